"""Composable libcst transforms, one concern a module (shipped as tfckpt_codemod.transforms)."""
