"""Score generated points against the Spark KMeans model at $MLOPS_MODEL_IN; report how many are
anomalies (farther than threshold from every centre) through the SDK."""
import mlops_sdk as mlops
from pyspark.ml.clustering import KMeansModel
from pyspark.ml.feature import VectorAssembler
from pyspark.sql import SparkSession, functions as F

spark = SparkSession.builder.appName("spark-kmeans-score").getOrCreate()
model = KMeansModel.load(mlops.model_input_path())
rows = mlops.arg("rows", 10000, int)
threshold = mlops.arg("threshold", 3.0, float)
points = spark.range(rows).withColumn("x", F.randn(seed=3) * 6 + 5).withColumn("y", F.randn(seed=4) * 4 + 3)
centres = [list(c) for c in model.clusterCenters()]
distance = F.least(*[F.sqrt((F.col("x") - cx) ** 2 + (F.col("y") - cy) ** 2) for cx, cy in centres])
scored = points.withColumn("anomaly", distance > threshold)
anomalies = scored.filter("anomaly").count()
print(f"scored {rows} points: {anomalies} anomalies ({anomalies / rows:.1%})")
mlops.stat("scored", rows)
mlops.stat("anomalies", anomalies)
spark.stop()
