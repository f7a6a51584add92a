import { type FileHandle, open, readFile, truncate } from 'node:fs/promises';
import type { LedgerEvent } from './events.js';
import type { LedgerLog } from './ledger-log.js';

export interface FileLedgerLogOptions {
  /** The JSON Lines file; created on the first append if missing. */
  readonly path: string;
  /**
   * fsync after every append, so an acknowledged reservation survives a power cut. Off, a crash of the
   * machine (not of the process) may lose the last appends. Default true.
   */
  readonly fsync?: boolean;
}

/**
 * A log in a JSON Lines file, one event per line. A batch is written with one `write` call and ends with a
 * newline; a line without its newline is a write that a crash cut short, and reading the log drops it
 * (truncating the file there) so the next append starts on a clean line.
 */
export function createFileLedgerLog(options: FileLedgerLogOptions): LedgerLog {
  const fsync = options.fsync ?? true;
  let handle: FileHandle | undefined;

  return {
    async readAll() {
      const text = await readFile(options.path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return '';
        throw error;
      });
      const complete = text.lastIndexOf('\n') + 1;
      if (complete < text.length) await truncate(options.path, Buffer.byteLength(text.slice(0, complete)));
      return text
        .slice(0, complete)
        .split('\n')
        .filter((line) => line !== '')
        .map((line, index) => parseLine(line, index + 1, options.path));
    },
    async append(events) {
      if (events.length === 0) return;
      handle ??= await open(options.path, 'a');
      await handle.write(events.map((event) => `${JSON.stringify(event)}\n`).join(''));
      if (fsync) await handle.datasync();
    },
    async close() {
      await handle?.close();
      handle = undefined;
    },
  };
}

function parseLine(line: string, lineNumber: number, path: string): LedgerEvent {
  try {
    return JSON.parse(line) as LedgerEvent;
  } catch (error) {
    // A bad line in the middle is not a torn write: refuse to guess what the stock is.
    throw new Error(`${path}:${lineNumber} is not a ledger event`, { cause: error });
  }
}
