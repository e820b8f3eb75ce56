// The pipeline SDK shipped inside the binary (see sdk/python/mlops_sdk.py).
#pragma once

namespace mlops::runtime {

const char* python_sdk_source();

}  // namespace mlops::runtime
