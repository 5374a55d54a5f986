"""tfckpt-migrate: migrate TensorFlow 1.x contrib checkpoint code to TensorFlow 2.x."""

__version__ = "0.1.0"
