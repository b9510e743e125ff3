/**
 * Training progress for example scripts: a live bar (cli-progress) when stdout is a terminal, plain
 * periodic lines otherwise (CI logs, pipes), so output stays readable in both.
 */
import cliProgress from 'cli-progress';

export interface ProgressValues {
  loss: number;
  accuracy: number;
}

export interface Progress {
  update(step: number, values: ProgressValues): void;
  stop(): void;
}

/**
 * @param total - number of steps (epochs, or batches over the whole run)
 * @param lines - in plain mode, how many progress lines to print over the run (default 10)
 * @param unit - what a step is, as shown in the bar and the lines (default 'epoch')
 */
export function createProgress(total: number, lines = 10, unit = 'epoch'): Progress {
  if (process.stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `training |{bar}| {percentage}% | ${unit} {value}/{total} | loss {loss} | acc {accuracy} | {duration_formatted}`,
        barCompleteChar: '█',
        barIncompleteChar: '░',
        hideCursor: true,
        fps: 15,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { loss: '-', accuracy: '-' });
    return {
      update(epoch, { loss, accuracy }) {
        bar.update(epoch, { loss: loss.toFixed(4), accuracy: accuracy.toFixed(3) });
      },
      stop() {
        bar.stop();
      },
    };
  }
  const every = Math.max(1, Math.ceil(total / lines));
  const width = String(total).length;
  return {
    update(epoch, { loss, accuracy }) {
      if (epoch % every === 0 || epoch === total || epoch === 1) {
        console.log(`${unit} ${String(epoch).padStart(width)}/${total}  loss ${loss.toFixed(4)}  acc ${accuracy.toFixed(3)}`);
      }
    },
    stop() {},
  };
}
