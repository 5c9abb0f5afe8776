/*
 * What every kernel file of the native step kernels shares: no contraction of a multiply and an
 * add into a fused multiply-add (which rounds once instead of twice, so its bits differ from the
 * TypeScript's), the per-processor copies of the hot loops, and memory prefetches.
 */
#ifndef RELU_AE_HOT_H
#define RELU_AE_HOT_H

/*
 * No fused multiply-add, whatever the build flags: clang contracts a·b + c by default (binding.gyp's
 * -ffp-contract=off covers GCC and clang on Linux; this covers clang where those flags are not used).
 */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

/*
 * The hot loops get AVX-512 (x86-64-v4) and AVX2 copies, one chosen at load time for the processor
 * (on the Zen 4 machines here the AVX-512 copy halves the sigmoid's and Adam's time: it converts
 * between integers and doubles and builds 2^k in fewer instructions). No copy contracts a multiply
 * and an add (-ffp-contract=off), so all give the same bits.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#define HOT __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define HOT
#endif

/* A request to bring a cache line in ahead of use (no effect on results), where the compiler has one. */
#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(address) __builtin_prefetch(address)
#else
#define PREFETCH(address) ((void)(address))
#endif

#endif
