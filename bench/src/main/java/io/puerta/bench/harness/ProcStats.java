package io.puerta.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and peak memory of a process, read from Linux's /proc. */
final class ProcStats {

    /** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {}

    /** User plus system CPU time the process has used, in seconds. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long user = Long.parseLong(fields[11]);
            long system = Long.parseLong(fields[12]);
            return (user + system) / TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the CPU time of process " + pid, e);
        }
    }

    /** The process's peak resident set size (VmHWM), in MB. */
    static double peakRssMb(long pid) {
        return statusKb(pid, "VmHWM:") / 1024.0;
    }

    /** The process's resident set size now (VmRSS), in MB. */
    static double rssMb(long pid) {
        return statusKb(pid, "VmRSS:") / 1024.0;
    }

    private static long statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(
                            line.substring(field.length()).replace("kB", "").trim());
                }
            }
            return 0;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the status of process " + pid, e);
        }
    }
}
