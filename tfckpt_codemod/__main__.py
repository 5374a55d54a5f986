from tfckpt_codemod.cli import main

main()
