/**
 * Vitest setup: selects the kernel set named by HANDGRAD_KERNELS ('wasm' or 'js') before any test runs,
 * so the whole suite — every gradient check included — runs once per kernel path (see vitest.config.ts).
 */
import { useKernels, type KernelName } from '../../src/index.js';

const name = process.env.HANDGRAD_KERNELS;
if (name !== undefined && name !== '') useKernels(name as KernelName);
