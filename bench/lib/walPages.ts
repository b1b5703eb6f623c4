import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';

/** A WAL frame's header (its page number, the commit's size, salts and checksums), before each page. */
const FRAME_HEADER = 24;
/** The WAL file's own header. */
const FILE_HEADER = 32;

/**
 * What a run of transactions writes to SQLite's write-ahead log, by B-tree: `start()` checkpoints the log to empty and
 * stops automatic checkpoints on this connection (so every frame written after it stays in the log); `stop(count)`
 * reads the page number of each frame, maps it to the table or index that owns the page (`dbstat`) and returns the
 * frames per transaction, by owner, most first. Each frame is two writes at commit (its header, then the page): the
 * commit's cost grows with it.
 */
export function walPages(sqlite: Database.Database, file: string) {
  const wal = `${file}-wal`;
  return {
    start(): void {
      sqlite.pragma('wal_autocheckpoint = 0');
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
    },
    stop(count: number): { perTransaction: number; byTree: Record<string, number> } {
      const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
      const size = statSync(wal).size;
      const frames = Math.max(0, Math.floor((size - FILE_HEADER) / (FRAME_HEADER + pageSize)));
      const owner = new Map(
        (sqlite.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]).map(
          (row) => [row.pageno, row.name],
        ),
      );
      const byTree = new Map<string, number>();
      const fd = openSync(wal, 'r');
      try {
        const header = Buffer.alloc(4);
        for (let frame = 0; frame < frames; frame += 1) {
          readSync(fd, header, 0, 4, FILE_HEADER + frame * (FRAME_HEADER + pageSize));
          const name = owner.get(header.readUInt32BE(0)) ?? '(free or new)';
          byTree.set(name, (byTree.get(name) ?? 0) + 1);
        }
      } finally {
        closeSync(fd);
      }
      sqlite.pragma('wal_autocheckpoint = 1000');
      return {
        perTransaction: frames / count,
        byTree: Object.fromEntries(
          [...byTree]
            .sort((a, b) => b[1] - a[1])
            .map(([name, n]) => [name, Math.round((10 * n) / count) / 10]),
        ),
      };
    },
  };
}
