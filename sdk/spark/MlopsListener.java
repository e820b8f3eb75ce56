// A SparkListener that writes a Spark application's jobs, stages and named accumulators to the mlops
// stats channel (the file in $MLOPS_STATS, as SDK JSON lines), so a run gets them even where the
// driver's UI cannot be reached. mlops compiles it with javac against the Spark that runs the job
// and registers it with spark.extraListeners. Listener callbacks run on Spark's event thread: keep
// them short and never throw.
package org.mlops;

import java.io.FileWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

import org.apache.spark.SparkConf;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.JobFailed;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;

public class MlopsListener extends SparkListener {
  private final String path;
  private long jobsSucceeded = 0, jobsFailed = 0, stagesCompleted = 0, stagesFailed = 0;

  public MlopsListener(SparkConf conf) {
    String fromEnv = System.getenv("MLOPS_STATS");
    path = fromEnv != null ? fromEnv : conf.get("spark.mlops.stats", null);
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  private synchronized void stat(String name, double value) {
    if (path == null || Double.isNaN(value) || Double.isInfinite(value)) return;
    String line = String.format(Locale.ROOT,
        "{\"type\": \"stat\", \"name\": %s, \"value\": %s, \"labels\": {\"via\": \"listener\"}, \"time\": %.3f}%n",
        quote(name), (value == Math.rint(value) && Math.abs(value) < 1e15) ? Long.toString((long) value)
                                                                         : Double.toString(value),
        System.currentTimeMillis() / 1000.0);
    // One append per line: the channel is shared with the pipeline's own SDK calls.
    try (Writer w = new FileWriter(path, true)) {
      w.write(line);
    } catch (IOException e) {
      // A stats channel that cannot be written must not fail the job.
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    if (end.jobResult() instanceof JobFailed) jobsFailed++;
    else jobsSucceeded++;
    stat("spark.listener.jobs.succeeded", jobsSucceeded);
    stat("spark.listener.jobs.failed", jobsFailed);
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted completed) {
    StageInfo info = completed.stageInfo();
    if (info.failureReason().isDefined()) stagesFailed++;
    else stagesCompleted++;
    stat("spark.listener.stages.completed", stagesCompleted);
    stat("spark.listener.stages.failed", stagesFailed);
    TaskMetrics m = info.taskMetrics();
    if (m != null) {
      stat("spark.listener.stage.executorRunTime", m.executorRunTime());
      stat("spark.listener.stage.executorCpuTime", m.executorCpuTime());
      stat("spark.listener.stage.jvmGcTime", m.jvmGCTime());
      stat("spark.listener.stage.inputRecords", m.inputMetrics().recordsRead());
      stat("spark.listener.stage.outputRecords", m.outputMetrics().recordsWritten());
      stat("spark.listener.stage.shuffleReadBytes", m.shuffleReadMetrics().totalBytesRead());
      stat("spark.listener.stage.shuffleWriteBytes", m.shuffleWriteMetrics().bytesWritten());
      stat("spark.listener.stage.memoryBytesSpilled", m.memoryBytesSpilled());
      stat("spark.listener.stage.diskBytesSpilled", m.diskBytesSpilled());
    }
    scala.collection.Iterator<AccumulableInfo> it = info.accumulables().values().iterator();
    while (it.hasNext()) {
      AccumulableInfo a = it.next();
      if (a.internal() || a.name().isEmpty() || a.value().isEmpty()) continue;
      String name = a.name().get();
      if (name.startsWith("internal.")) continue;
      try {
        stat("spark.listener.accumulator." + name, Double.parseDouble(a.value().get().toString()));
      } catch (NumberFormatException e) {
        // Not a number: nothing to chart.
      }
    }
  }

  @Override
  public void onApplicationEnd(SparkListenerApplicationEnd end) {
    stat("spark.listener.application.ended", 1);
  }
}
