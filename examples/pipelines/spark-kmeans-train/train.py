"""KMeans with Spark ML. Arguments come as MLOPS_ARG_*; the model directory goes to $MLOPS_MODEL_OUT."""
import os

from pyspark.ml.clustering import KMeans
from pyspark.ml.feature import VectorAssembler
from pyspark.sql import SparkSession, functions as F

spark = SparkSession.builder.appName("spark-kmeans-train").getOrCreate()
k = int(os.environ.get("MLOPS_ARG_K", 3))
rows = int(os.environ.get("MLOPS_ARG_ROWS", 100000))
points = (spark.range(rows)
          .withColumn("c", (F.col("id") % k).cast("double"))
          .withColumn("x", F.col("c") * 5 + F.randn(seed=1))
          .withColumn("y", F.col("c") * 3 + F.randn(seed=2)))
features = VectorAssembler(inputCols=["x", "y"], outputCol="features").transform(points)
model = KMeans(k=k, seed=7).fit(features)
print(f"trained k={k} on {rows} rows, cost {model.summary.trainingCost:.1f}")
model.write().overwrite().save(os.environ.get("MLOPS_MODEL_OUT", "model"))
spark.stop()
