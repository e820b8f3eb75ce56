"""Score a rate-source stream against a Spark KMeans model ($MLOPS_MODEL_IN) until stopped."""
import os

from pyspark.ml.clustering import KMeansModel
from pyspark.ml.feature import VectorAssembler
from pyspark.sql import SparkSession, functions as F

spark = SparkSession.builder.appName("spark-anomaly-stream").getOrCreate()
model = KMeansModel.load(os.environ.get("MLOPS_MODEL_IN", "model"))
threshold = float(os.environ.get("MLOPS_ARG_THRESHOLD", 3.0))
centres = [list(c) for c in model.clusterCenters()]
stream = (spark.readStream.format("rate").option("rowsPerSecond", int(os.environ.get("MLOPS_ARG_RATE", 100))).load()
          .withColumn("x", F.randn() * 6).withColumn("y", F.randn() * 4))
features = VectorAssembler(inputCols=["x", "y"], outputCol="features").transform(stream)
distance = F.least(*[F.sqrt((F.col("x") - cx) ** 2 + (F.col("y") - cy) ** 2) for cx, cy in centres])
scored = model.transform(features).withColumn("anomaly", distance > threshold)
query = (scored.groupBy(F.window("timestamp", "10 seconds"), "anomaly").count()
         .writeStream.outputMode("complete").format("console").start())
query.awaitTermination()
