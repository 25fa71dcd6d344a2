import VigilBase
import Foundation

/// The comparison table: one row per figure, the median per worker, the Vigil/Bolt ratio, the target and
/// whether Vigil meets it, and the min–max noise per worker.
struct ResultTable {
    /// Medians and ranges of one worker's sessions.
    struct Aggregate {
        /// Every run's value of every metric, in run order.
        var values: [Metric: [Double]]

        /// The median over the runs.
        func median(_ metric: Metric) -> Double? { Statistics.median(self.values[metric] ?? []) }
        /// The lowest run.
        func min(_ metric: Metric) -> Double? { self.values[metric]?.min() }
        /// The highest run.
        func max(_ metric: Metric) -> Double? { self.values[metric]?.max() }
        /// How many runs measured it.
        func count(_ metric: Metric) -> Int { self.values[metric]?.count ?? 0 }
    }

    /// How a figure is printed.
    enum Unit {
        case milliseconds, mebibytes, cpuSeconds, count, perSecond, cpuMillisPerSecond, flag
    }

    /// One row.
    struct Row {
        /// The metric's description in the table.
        var title: String
        /// Which figure.
        var metric: Metric
        /// How it is printed.
        var unit: Unit
        /// The target, as text; empty when there is none.
        var target: String = ""
        /// Whether the Vigil/Bolt ratio means something for this figure.
        var showRatio = true
        /// Whether Vigil meets the target, given all aggregates; `nil` = no target or not measurable.
        var check: ((_ floor: Aggregate?, _ vigil: Aggregate, _ bolt: Aggregate?) -> Bool?)? = nil
    }

    /// The sizes the figures were measured with (for the row titles).
    let parameters: BenchParameters
    /// The measured workers' figures.
    let aggregates: [WorkerSpec.Kind: Aggregate]

    /// The rows, in order.
    var rows: [Row] {
        let p = self.parameters
        return [
            Row(
                title: "ack latency p50 (\(p.latencyCount) at \(Int(p.latencyRate))/s)",
                metric: .ackP50,
                unit: .milliseconds
            ),
            Row(
                title: "ack latency p99 (\(p.latencyCount) at \(Int(p.latencyRate))/s)",
                metric: .ackP99,
                unit: .milliseconds,
                target: "≤ ½ Bolt, or ≤ floor + 0.1 ms",
                check: { floor, vigil, bolt in
                    guard let v = vigil.median(.ackP99) else { return nil }
                    if let b = bolt?.median(.ackP99), v <= b / 2 { return true }
                    if let f = floor?.median(.ackP99), v <= f + 0.1 { return true }
                    return bolt?.median(.ackP99) == nil && floor?.median(.ackP99) == nil ? nil : false
                }
            ),
            Row(
                title: "ack latency max (\(p.latencyCount) at \(Int(p.latencyRate))/s)",
                metric: .ackMax,
                unit: .milliseconds
            ),
            Row(
                title: "burst \(p.burstCount): envelopes acked (lowest run)",
                metric: .burstAcked,
                unit: .count,
                target: "all \(p.burstCount)",
                showRatio: false,
                check: { _, vigil, _ in vigil.min(.burstAcked).map { Int($0) == p.burstCount } }
            ),
            Row(title: "burst \(p.burstCount): acks per second", metric: .burstRate, unit: .perSecond),
            Row(title: "burst \(p.burstCount): max ack latency", metric: .burstMax, unit: .milliseconds),
            Row(
                title: "burst \(p.burstCount): acks later than Slack's 3 s",
                metric: .burstLate,
                unit: .count,
                showRatio: false
            ),
            Row(
                title: "alert load, posts instant: ack p50 (\(p.slowAlertCount) alerts + \(p.slowFillerCount) others)",
                metric: .controlP50,
                unit: .milliseconds
            ),
            Row(title: "alert load, posts instant: ack p99", metric: .controlP99, unit: .milliseconds),
            Row(title: "alert load, posts instant: ack max", metric: .controlMax, unit: .milliseconds),
            Row(
                title: "alert load, every post takes \(Int(p.slowPostDelay.seconds)) s: ack p50",
                metric: .slowP50,
                unit: .milliseconds
            ),
            Row(
                title: "alert load, every post takes \(Int(p.slowPostDelay.seconds)) s: ack p99",
                metric: .slowP99,
                unit: .milliseconds,
                target: "unaffected: ≤ max(2 × instant-post p99, instant-post p99 + 1 ms)",
                check: { _, vigil, _ in
                    guard let slow = vigil.median(.slowP99), let base = vigil.median(.controlP99) else { return nil }
                    return slow <= Swift.max(2 * base, base + 1)
                }
            ),
            Row(
                title: "alert load, every post takes \(Int(p.slowPostDelay.seconds)) s: ack max",
                metric: .slowMax,
                unit: .milliseconds
            ),
            Row(
                title: "alert load, every post takes \(Int(p.slowPostDelay.seconds)) s: thread replies read of \(p.slowAlertCount) (≤ 30 s after the acks)",
                metric: .slowReplies,
                unit: .count,
                showRatio: false
            ),
            Row(
                title: "RSS idle after connect",
                metric: .rssIdle,
                unit: .mebibytes,
                target: "≤ 10 MiB",
                check: { _, vigil, _ in vigil.median(.rssIdle).map { $0 <= 10 } }
            ),
            Row(title: "… of it the worker's own executable file (code, read-only data)", metric: .rssIdleExecutable, unit: .mebibytes, showRatio: false),
            Row(title: "… of it other mapped files (shared libraries)", metric: .rssIdleLibraries, unit: .mebibytes, showRatio: false),
            Row(title: "… of it anonymous memory (heap, stacks)", metric: .rssIdleAnonymous, unit: .mebibytes, showRatio: false),
            Row(title: "RSS before the \(p.soakCount) (after warm-up)", metric: .rssBeforeSoak, unit: .mebibytes),
            Row(title: "RSS after \(p.soakCount) envelopes", metric: .rssAfterSoak, unit: .mebibytes),
            Row(
                title: "RSS growth over \(p.soakCount) envelopes",
                metric: .rssGrowth,
                unit: .mebibytes,
                target: "< 1 MiB",
                showRatio: false,
                check: { _, vigil, _ in vigil.median(.rssGrowth).map { $0 < 1 } }
            ),
            Row(
                title: "CPU (user+sys) per 10,000 envelopes",
                metric: .cpuPer10k,
                unit: .cpuSeconds,
                target: "≤ 1/10 Bolt",
                check: { _, vigil, bolt in
                    guard let v = vigil.median(.cpuPer10k), let b = bolt?.median(.cpuPer10k) else { return nil }
                    return v <= b / 10
                }
            ),
            Row(title: "CPU while idle after connect", metric: .idleCPU, unit: .cpuMillisPerSecond),
            Row(title: "end to end p50 (bot post written → thread reply read)", metric: .e2eP50, unit: .milliseconds),
            Row(title: "end to end p99 (bot post written → thread reply read)", metric: .e2eP99, unit: .milliseconds),
            Row(
                title: "envelopes never acked in a run, all scenarios (worst run)",
                metric: .lost,
                unit: .count,
                target: "0",
                showRatio: false,
                check: { _, vigil, _ in vigil.max(.lost).map { $0 == 0 } }
            ),
            Row(
                title: "runs ending with exit 0 within 10 s of SIGTERM",
                metric: .cleanExit,
                unit: .flag,
                target: "every run",
                showRatio: false,
                check: { _, vigil, _ in
                    guard let values = vigil.values[.cleanExit], !values.isEmpty else { return nil }
                    return values.allSatisfy { $0 == 1 }
                }
            ),
        ]
    }

    /// The markdown table.
    func markdown() -> String {
        var lines = [
            "| metric | floor | Vigil | Bolt | Vigil/Bolt | target | met? | floor min–max | Vigil min–max | Bolt min–max |",
            "|---|--:|--:|--:|--:|---|:-:|--:|--:|--:|",
        ]
        for row in self.rows {
            let floor = self.aggregates[.floor]
            let vigil = self.aggregates[.vigil]
            let bolt = self.aggregates[.bolt]
            var ratio = ""
            if row.showRatio, let v = vigil?.median(row.metric), let b = bolt?.median(row.metric), b != 0 {
                ratio = String(format: "%.2f×", v / b)
            }
            var met = ""
            if let check = row.check {
                if let vigil {
                    met = check(floor, vigil, bolt).map { $0 ? "yes" : "**no**" } ?? "n/a"
                } else {
                    met = "n/a"
                }
            }
            lines.append(
                "| \(row.title) | \(self.cell(floor, row)) | \(self.cell(vigil, row)) | \(self.cell(bolt, row)) | "
                    + "\(ratio) | \(row.target) | \(met) | \(self.range(floor, row)) | \(self.range(vigil, row)) | "
                    + "\(self.range(bolt, row)) |"
            )
        }
        return lines.joined(separator: "\n")
    }

    private func cell(_ aggregate: Aggregate?, _ row: Row) -> String {
        guard let aggregate else { return "–" }
        if row.unit == .flag {
            guard let values = aggregate.values[row.metric], !values.isEmpty else { return "–" }
            return "\(values.filter { $0 == 1 }.count)/\(values.count)"
        }
        let value: Double? =
            switch row.metric {
            case .burstAcked: aggregate.min(row.metric)
            case .lost: aggregate.max(row.metric)
            default: aggregate.median(row.metric)
            }
        return value.map { Self.format($0, row.unit) } ?? "–"
    }

    private func range(_ aggregate: Aggregate?, _ row: Row) -> String {
        guard let aggregate, row.unit != .flag, let low = aggregate.min(row.metric),
            let high = aggregate.max(row.metric)
        else { return "" }
        let n = aggregate.count(row.metric)
        return "\(Self.format(low, row.unit, bare: true))–\(Self.format(high, row.unit, bare: true)) (n=\(n))"
    }

    /// Formats a value with its unit.
    static func format(_ value: Double, _ unit: Unit, bare: Bool = false) -> String {
        func suffix(_ text: String) -> String { bare ? "" : text }
        switch unit {
        case .milliseconds:
            let digits = abs(value) < 1 ? 3 : (abs(value) < 100 ? 2 : 0)
            return String(format: "%.\(digits)f", value) + suffix(" ms")
        case .mebibytes:
            return String(format: "%.2f", value) + suffix(" MiB")
        case .cpuSeconds:
            return String(format: "%.3f", value) + suffix(" s")
        case .count, .flag:
            return String(format: "%.0f", value)
        case .perSecond:
            return Self.grouped(Int(value.rounded())) + suffix("/s")
        case .cpuMillisPerSecond:
            return String(format: "%.1f", value) + suffix(" ms/s")
        }
    }

    private static func grouped(_ value: Int) -> String {
        let digits = Array(String(abs(value)))
        var out = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }
}
