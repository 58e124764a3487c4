/**
 * train.py on several processes: `torchrun --nproc_per_node=N train.py …` (or several machines)
 * sets RANK, WORLD_SIZE and LOCAL_RANK; each process then trains a DistributedDataParallel copy
 * on its DistributedSampler share of each epoch, with NCCL on CUDA and gloo on the CPU, and the
 * studio's batch size split between them (the global batch stays the studio's). BatchNorm is
 * per process unless --sync-bn makes it SyncBatchNorm (CUDA only). Sums of losses and counts are
 * all-reduced, so every process reports the same epoch; process 0 alone writes the run folder.
 */
export const DISTRIBUTED_PY = String.raw`
# ── one process or many (torchrun) ───────────────────────────────────────────

class Processes:
    def __init__(self, device_name):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if device_name == "auto":
            device_name = "cuda" if torch.cuda.is_available() else "cpu"
        if device_name == "cuda" and not torch.cuda.is_available():
            raise SystemExit("error: --device cuda, but PyTorch sees no CUDA device here")
        if device_name == "cuda":
            torch.cuda.set_device(local_rank)
            self.device = torch.device("cuda", local_rank)
        else:
            self.device = torch.device("cpu")
        if self.world > 1:
            dist.init_process_group("nccl" if self.device.type == "cuda" else "gloo")

    @property
    def main(self):
        return self.rank == 0

    def describe_device(self):
        if self.device.type == "cuda":
            return f"cuda ({torch.cuda.get_device_name(self.device)})"
        return "cpu"

    def wrap(self, model, sync_batch_norm):
        if self.world == 1:
            return model
        if sync_batch_norm:
            if self.device.type != "cuda":
                raise SystemExit("error: --sync-bn needs CUDA: PyTorch's SyncBatchNorm does not run on the CPU")
            model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
        return nn.parallel.DistributedDataParallel(model, device_ids=[self.device.index] if self.device.type == "cuda" else None)

    def sum(self, *values):
        """The values summed over every process."""
        tensor = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.world > 1:
            dist.all_reduce(tensor)
        return tensor.tolist()

    def share_buffers(self, model):
        """Process 0's BatchNorm statistics in every process, so that all test the model process 0 saves."""
        if self.world > 1:
            for buffer in model.buffers():
                dist.broadcast(buffer, src=0)

    def close(self):
        if self.world > 1:
            dist.destroy_process_group()
`;
