// The mlops SparkListener (sdk/spark/MlopsListener.java) as a jar for the Spark at hand: compiled
// with javac against that Spark's jars on first use, cached by the source and the Spark version, so
// a new Spark or a new mlops gets a fresh build and everything else reuses it.
#pragma once

#include <map>
#include <string>

namespace mlops::engine {

const char* spark_listener_source();

// SPARK_HOME from `env`, else the Spark the spark-submit on env's PATH belongs to (a distribution's
// bin/, or pip's pyspark through its find_spark_home.py, whose answer lands in `scratch_dir`); ""
// when there is none.
std::string spark_home(const std::map<std::string, std::string>& env, const std::string& scratch_dir);

// The jar under `cache_dir`, built when missing. Throws util::Error saying why when it cannot be
// (no javac, no Spark jars); callers run the job without it.
std::string listener_jar(const std::string& cache_dir, const std::map<std::string, std::string>& env);

}  // namespace mlops::engine
