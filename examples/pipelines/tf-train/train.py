"""Fit y = 3x + 1 with Keras, logging loss to TensorBoard in $MLOPS_TENSORBOARD_DIR, and save the
model to $MLOPS_MODEL_OUT."""
import os

import numpy as np
import tensorflow as tf

epochs = int(os.environ.get("MLOPS_ARG_EPOCHS", 5))
x = np.random.default_rng(0).uniform(-1, 1, size=(2048, 1)).astype("float32")
y = 3 * x + 1
model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
board = tf.keras.callbacks.TensorBoard(log_dir=os.environ.get("MLOPS_TENSORBOARD_DIR", "tensorboard"))
model.fit(x, y, epochs=epochs, batch_size=64, callbacks=[board], verbose=2)
out = os.environ.get("MLOPS_MODEL_OUT", "model")
os.makedirs(out, exist_ok=True)
model.save(os.path.join(out, "model.keras"))
