from tfckpt_codemod.entry import main

main()
