import Foundation

/// Reads a process's resident memory and CPU time from `/proc` (Linux).
enum ProcessMetrics {
    /// `VmRSS` of `/proc/<pid>/status`, in bytes; `nil` if the process is gone.
    static func residentBytes(pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kib = Int(fields[1]) else { return nil }
            return kib * 1024
        }
        return nil
    }

    /// `utime + stime` of `/proc/<pid>/stat` (all threads), in seconds; `nil` if the process is gone.
    static func cpuSeconds(pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm)" the fields start at field 3 (state); utime is field 14, stime field 15.
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
        return (utime + stime) / Double(self.clockTicksPerSecond)
    }

    /// `sysconf(_SC_CLK_TCK)`.
    static let clockTicksPerSecond: Int = {
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        return ticks > 0 ? ticks : 100
    }()
}
