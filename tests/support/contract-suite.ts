/**
 * One test suite for the API contract, run against every transport: whatever carries the calls,
 * the page sees the same results, the same refusals and the same events.
 */
import { describe, expect, it } from 'vitest';
import type { StudioApi } from '../../main/api/contract.ts';
import type { fakeService } from './fake-service.ts';

export interface Transport {
  api: StudioApi;
  service: ReturnType<typeof fakeService>;
  /** Pushes a training event from the engine side. */
  emitTrainingEvent(runId: string, event: unknown): void;
}

export function describeContract(name: string, connect: () => Promise<Transport>): void {
  describe(`the API contract over ${name}`, () => {
    it('carries a call and its result', async () => {
      const { api, service } = await connect();
      expect(await api.listPresets()).toEqual([expect.objectContaining({ id: 'journey/round-10', trainableParams: 9896 })]);
      expect(await api.openGraph('round.json')).toMatchObject({ path: 'round.json' });
      expect(service.received.map(([call]) => call)).toEqual(['listPresets', 'openGraph']);
    });

    it('refuses arguments that break the schema before the engine sees them', async () => {
      const { api, service } = await connect();
      await expect(api.loadPreset('../../etc/passwd')).rejects.toThrow('loadPreset: argument 0 not a preset id');
      await expect((api.stopTraining as (...a: unknown[]) => Promise<void>)(42)).rejects.toThrow(/stopTraining: argument 0/);
      await expect((api.startTraining as (...a: unknown[]) => Promise<unknown>)({ graph: {}, settings: {}, backend: 'tpu' })).rejects.toThrow(/startTraining: argument 0\.backend/);
      expect(service.received).toEqual([]);
    });

    it("passes the engine's own error message and nothing more", async () => {
      const { api } = await connect();
      const error = await api.loadPreset('journey/missing').catch((e: Error) => e);
      expect((error as Error).message).toBe('the preset journey/missing does not exist');
    });

    it('delivers training events to listeners until they unsubscribe', async () => {
      const transport = await connect();
      const seen: unknown[] = [];
      const stop = transport.api.onTrainingEvent((runId, event) => seen.push([runId, event]));
      transport.emitTrainingEvent('run-1', { type: 'cancelled', epochsDone: 1 });
      await expect.poll(() => seen.length).toBe(1);
      stop();
      transport.emitTrainingEvent('run-1', { type: 'cancelled', epochsDone: 2 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual([['run-1', { type: 'cancelled', epochsDone: 1 }]]);
    });
  });
}
