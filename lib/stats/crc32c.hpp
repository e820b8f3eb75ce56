// CRC-32C (Castagnoli), the checksum TFRecord framing uses, and the "masked" form it stores so a
// CRC of data that itself contains CRCs stays well distributed.
#pragma once

#include <cstdint>
#include <string_view>

namespace mlops::stats {

uint32_t crc32c(std::string_view data);
// ((crc >> 15) | (crc << 17)) + 0xa282ead8, as TensorFlow's crc32c::Mask.
uint32_t masked_crc32c(std::string_view data);

}  // namespace mlops::stats
