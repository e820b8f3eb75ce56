"""Writes TensorBoard event files with tensorboardX, a real writer, in every scalar encoding the
C++ reader must understand, plus values it must skip.

    python write_events.py [DIR]    rewrite the unit-test fixtures (default: ../unit/stats/data)

The fixtures are committed; rerun this only to change them, then update tensorboard_test.cpp.
test_live.py imports the summary builders below to write the same encodings while a reader polls.
"""

import os
import struct
import sys

from tensorboardX import FileWriter, SummaryWriter
from tensorboardX.proto import summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2

SCALARS_PLUGIN = summary_pb2.SummaryMetadata(
    plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars"))


def tensor_value(tag, tensor, plugin=True):
    kwargs = {"metadata": SCALARS_PLUGIN} if plugin else {}
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, tensor=tensor, **kwargs)])


def float_val(tag, value):
    """A DT_FLOAT scalar in TensorProto.float_val, as tf.summary.scalar writes it."""
    return tensor_value(tag, tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[value]))


def double_val(tag, value):
    return tensor_value(tag, tensor_pb2.TensorProto(dtype=types_pb2.DT_DOUBLE, double_val=[value]))


def content_f32(tag, value):
    """Raw little-endian bytes in tensor_content, as tensor_util.make_tensor_proto writes arrays."""
    return tensor_value(tag, tensor_pb2.TensorProto(
        dtype=types_pb2.DT_FLOAT, tensor_content=struct.pack("<f", value)))


def content_f64(tag, value):
    return tensor_value(tag, tensor_pb2.TensorProto(
        dtype=types_pb2.DT_DOUBLE, tensor_content=struct.pack("<d", value)))


def half_val(tag, value):
    bits = struct.unpack("<H", struct.pack("<e", value))[0]
    return tensor_value(tag, tensor_pb2.TensorProto(dtype=types_pb2.DT_HALF, half_val=[bits]))


TENSOR_ENCODINGS = {"float_val": float_val, "double_val": double_val,
                    "content_f32": content_f32, "content_f64": content_f64}


def not_scalars():
    """Values a scalar reader must skip: a 3-element tensor and a tensor of another plugin."""
    shape = tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=3)])
    vector = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, tensor_shape=shape, float_val=[1, 2, 3])
    other = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="histograms"))
    single = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[9])
    return summary_pb2.Summary(value=[
        summary_pb2.Summary.Value(tag="skip/vector", tensor=vector),
        summary_pb2.Summary.Value(tag="skip/other_plugin", tensor=single, metadata=other),
    ])


def settle(path):
    """Gives the one event file in `path` a fixed name: tensorboardX puts time and host in it."""
    names = [n for n in os.listdir(path) if "tfevents" in n and not n.startswith("events.out.tfevents.fixture")]
    assert len(names) == 1, names
    os.replace(os.path.join(path, names[0]), os.path.join(path, "events.out.tfevents.fixture"))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "unit", "stats", "data")
    os.makedirs(os.path.join(out, "train"), exist_ok=True)
    for d in (out, os.path.join(out, "train")):
        for n in os.listdir(d):
            if "tfevents" in n:
                os.remove(os.path.join(d, n))

    # Top level: every encoding, steps 0..2, values exact in float32 so the test compares with ==.
    writer = SummaryWriter(out)
    for step in range(3):
        wall = 1700000000.0 + step
        writer.add_scalar("loss", 0.5 / (step + 1), step, walltime=wall)
        fw = writer._get_file_writer()
        for name, build in TENSOR_ENCODINGS.items():
            fw.add_summary(build("tensor/" + name, 1.5 + step), step, walltime=wall)
        fw.add_summary(half_val("tensor/half_val", 0.25 * step), step, walltime=wall)
        fw.add_summary(not_scalars(), step, walltime=wall)
    writer.add_text("notes", "a text summary is not a scalar", 3, walltime=1700000003.0)
    writer.add_histogram("weights", [0.1, 0.2, 0.3], 3, walltime=1700000003.0)
    # A double that float32 cannot hold: double_val and tensor_content must keep all its bits.
    fw = writer._get_file_writer()
    fw.add_summary(double_val("precise/double_val", 0.1), 4, walltime=1700000004.5)
    fw.add_summary(content_f64("precise/content_f64", 1 / 3), 4, walltime=1700000004.5)
    writer.close()
    settle(out)

    # A run in a subdirectory, as Keras' TensorBoard callback writes train/ and validation/.
    train = FileWriter(os.path.join(out, "train"))
    for step in range(2):
        train.add_summary(float_val("epoch_loss", 2.0 - step), step, walltime=1700000100.0 + step)
    train.close()
    settle(os.path.join(out, "train"))


if __name__ == "__main__":
    main()
