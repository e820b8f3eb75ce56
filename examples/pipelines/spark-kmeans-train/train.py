"""KMeans with Spark ML on generated points. Arguments come as MLOPS_ARG_*; the model directory goes to
$MLOPS_MODEL_OUT and the clustering cost is reported as the model's metric 'cost'."""
import os

import mlops_sdk as mlops
from pyspark.ml.clustering import KMeans
from pyspark.ml.feature import VectorAssembler
from pyspark.sql import SparkSession, functions as F

spark = SparkSession.builder.appName("spark-kmeans-train").getOrCreate()
k = mlops.arg("k", 3, int)
rows = mlops.arg("rows", 100000, int)
points = (spark.range(rows)
          .withColumn("c", (F.col("id") % k).cast("double"))
          .withColumn("x", F.col("c") * 5 + F.randn(seed=1))
          .withColumn("y", F.col("c") * 3 + F.randn(seed=2)))
features = VectorAssembler(inputCols=["x", "y"], outputCol="features").transform(points)
model = KMeans(k=k, seed=7).fit(features)
cost = model.summary.trainingCost
print(f"trained k={k} on {rows} rows, cost {cost:.1f}")
mlops.metric("cost", cost)
mlops.stat("rows", rows)
model.write().overwrite().save(mlops.model_output_path())
spark.stop()
