package io.myelin.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a figure was measured on: processors, CPU model, JVM, kernel, load; and a process's resident memory.
 */
public final class Machine {

    private Machine() {
    }

    /** @return one line describing this machine and its load now */
    public static String describe() {
        return "machine: nproc=" + Runtime.getRuntime().availableProcessors() + ", model=" + cpuModel()
                + ", jvm=" + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ", kernel=" + System.getProperty("os.version") + ", loadavg=" + read("/proc/loadavg");
    }

    /**
     * @param pid a process on this machine
     * @return its resident set in MB, or -1 when it cannot be read
     */
    public static long residentMb(long pid) {
        for (String line : read("/proc/" + pid + "/status").split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    private static String cpuModel() {
        for (String line : read("/proc/cpuinfo").split("\n")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown";
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
