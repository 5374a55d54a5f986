"""One place for the checkpoint classes the rest of the project imports."""
import tensorflow as tf

__all__ = ["Checkpoint", "CheckpointManager"]

Checkpoint = tf.contrib.eager.Checkpoint
CheckpointManager = tf.contrib.checkpoint.CheckpointManager
