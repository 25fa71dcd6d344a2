import Foundation

/// Reads a process's resident memory and CPU time from `/proc` (Linux).
enum ProcessMetrics {
    /// `VmRSS` of `/proc/<pid>/status`, in bytes; `nil` if the process is gone.
    static func residentBytes(pid: Int32) -> Int? {
        statusKibibytes(pid: pid, field: "VmRSS:").map { $0 * 1024 }
    }

    /// Resident memory split by what is mapped: the process's own executable file, other files (shared libraries,
    /// data files), and anonymous memory; from `/proc/<pid>/smaps`, in bytes.
    struct ResidentBreakdown: Sendable {
        var executable = 0
        var otherFiles = 0
        var anonymous = 0
    }

    /// See ``ResidentBreakdown``; `nil` if the process is gone.
    static func residentBreakdown(pid: Int32) -> ResidentBreakdown? {
        // /proc files report size 0: read to the end rather than trusting the size.
        guard let handle = FileHandle(forReadingAtPath: "/proc/\(pid)/smaps"),
            let data = try? handle.readToEnd()
        else { return nil }
        try? handle.close()
        let text = String(decoding: data, as: UTF8.self)
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) ?? ""
        var breakdown = ResidentBreakdown()
        var path = ""
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), first.first?.isHexDigit == true {
                path = fields.count >= 6 ? fields[5...].joined(separator: " ") : ""
            } else if fields.first == "Rss:", fields.count >= 2, let kib = Int(fields[1]) {
                if !executable.isEmpty && path == executable {
                    breakdown.executable += kib * 1024
                } else if path.hasPrefix("/") {
                    breakdown.otherFiles += kib * 1024
                } else {
                    breakdown.anonymous += kib * 1024
                }
            }
        }
        return breakdown
    }

    private static func statusKibibytes(pid: Int32, field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kib = Int(fields[1]) else { return nil }
            return kib
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
