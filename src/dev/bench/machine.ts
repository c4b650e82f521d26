/** The machine a run happened on, for the README: CPU, cores, memory, kernel. */
import { arch, availableParallelism, cpus, release, totalmem, type } from "node:os";
import type { MachineInfo } from "./results.ts";

/** Reads the machine description from the OS. */
export function readMachine(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? "unknown CPU",
    cpus: availableParallelism(),
    memoryBytes: totalmem(),
    kernel: release(),
    arch: arch() === "x64" ? "x86_64" : arch(),
    os: type(),
  };
}
