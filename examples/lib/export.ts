/**
 * `--export-onnx <path>` / `--export-tfjs <dir>` for the example scripts: after training, write the model for
 * onnxruntime or TensorFlow.js (see the README's Interop section for running them there).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { saveOnnx, saveTfjsLayers, type Sequential } from 'handgrad/node';

export interface ExportFlags {
  exportOnnx?: string;
  exportTfjs?: string;
}

/** Adds the two export options to `program`. */
export function addExportOptions(program: Command): Command {
  return program
    .option('--export-onnx <path>', 'also write the trained model as ONNX (opset 13), e.g. out/model.onnx')
    .option('--export-tfjs <dir>', 'also write the trained model in the TF.js Layers format (dir/model.json + dir/weights.bin)');
}

/** Writes the exports the flags ask for and says where. */
export async function exportTrained(model: Sequential, flags: ExportFlags): Promise<void> {
  if (flags.exportOnnx !== undefined) {
    mkdirSync(dirname(flags.exportOnnx), { recursive: true });
    await saveOnnx(model, flags.exportOnnx);
    console.log(`ONNX model: ${flags.exportOnnx}`);
  }
  if (flags.exportTfjs !== undefined) {
    await saveTfjsLayers(model, flags.exportTfjs);
    console.log(`TF.js Layers model: ${flags.exportTfjs}/model.json`);
  }
}
