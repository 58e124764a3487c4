/** `cnn-studio backends`: which compute backends load here, and why the others do not. */
import Table from 'cli-table3';
import { detectBackends } from '../backends/ladder.ts';
import { EXIT_OK, type Output } from './output.ts';

export async function runBackends(options: { json?: boolean }, io: Output): Promise<number> {
  const statuses = await detectBackends();
  if (options.json) {
    io.out(JSON.stringify(statuses, null, 2));
    return EXIT_OK;
  }
  const table = new Table({ head: ['Backend', 'What it is', 'Status'], style: { head: [], border: [] }, wordWrap: true, colWidths: [10, 34, 70] });
  for (const status of statuses) table.push([status.name, status.label, `${status.available ? 'available' : 'unavailable'}: ${status.detail}`]);
  const chosen = statuses.find((status) => status.available);
  io.out(`${table.toString()}\n${chosen ? `Training uses ${chosen.name} unless --backend says otherwise.` : 'No backend is available.'}`);
  return EXIT_OK;
}
