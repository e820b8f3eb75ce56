#include "engine/failure.hpp"

#include <doctest/doctest.h>

using mlops::engine::failure_reason;

TEST_CASE("failure reasons: the last exception of a Python traceback") {
  CHECK(failure_reason("starting\nTraceback (most recent call last):\n  File \"x.py\", line 3, in <module>\n"
                       "    raise ValueError(\"no data for you\")\nValueError: no data for you\n") ==
        "ValueError: no data for you");
  CHECK(failure_reason("Traceback (most recent call last):\n  File \"a.py\"\npyspark.errors.exceptions.captured."
                       "AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] t\n") ==
        "pyspark.errors.exceptions.captured.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] t");
}

TEST_CASE("failure reasons: PySpark's Py4JJavaError gives way to the JVM exception under it") {
  CHECK(failure_reason("Traceback (most recent call last):\n  File \"t.py\", line 2\n"
                       "py4j.protocol.Py4JJavaError: An error occurred while calling None.org.apache.spark.api.java."
                       "JavaSparkContext.\n: org.apache.spark.SparkException: Could not parse Master URL: 'local[two]'\n"
                       "\tat org.apache.spark.SparkContext$.createTaskScheduler(SparkContext.scala:3300)\n") ==
        "org.apache.spark.SparkException: Could not parse Master URL: 'local[two]'");
}

TEST_CASE("failure reasons: JVM main threads and spark-submit's own errors") {
  CHECK(failure_reason("Exception in thread \"main\" java.lang.IllegalStateException: boom\n\tat A.main(A.java:3)\n") ==
        "java.lang.IllegalStateException: boom");
  CHECK(failure_reason("Error: Missing application resource.\n\nUsage: spark-submit [options]\n") ==
        "Error: Missing application resource.");
}

TEST_CASE("failure reasons: nothing recognisable, and very long lines") {
  CHECK(failure_reason("about to fail\n") == "");
  CHECK(failure_reason("ValueError: not in a traceback\n") == "");
  std::string longer = "Traceback (most recent call last):\nValueError: " + std::string(1000, 'x') + "\n";
  CHECK(failure_reason(longer).size() == 303);
}
