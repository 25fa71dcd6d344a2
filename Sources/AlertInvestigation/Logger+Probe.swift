import Logging

extension Logger {
    /// This logger with `vigil.probe` set to `name`, so every line of one probe's run names the probe.
    /// - Parameter name: The probe's name from the runbook.
    func naming(probe name: String) -> Logger {
        var logger = self
        logger[metadataKey: "vigil.probe"] = "\(name)"
        return logger
    }
}
