{
  "targets": [
    {
      "target_name": "relu_ae_kernels",
      "sources": ["src/binding.c", "src/arguments.c", "src/kernels.c", "src/optimizers.c"],
      "cflags!": ["-O2"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math", "-std=c11", "-Wall", "-Wextra"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math", "-std=c11"]
      }
    }
  ]
}
