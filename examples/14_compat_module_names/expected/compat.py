"""One place for the checkpoint classes the rest of the project imports."""
import tensorflow as tf

__all__ = ["Checkpoint", "CheckpointManager"]

Checkpoint = tf.train.Checkpoint
CheckpointManager = tf.train.CheckpointManager
