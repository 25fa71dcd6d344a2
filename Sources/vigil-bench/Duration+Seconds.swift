extension Duration {
    /// The duration in milliseconds.
    var milliseconds: Double {
        Double(self.components.seconds) * 1e3 + Double(self.components.attoseconds) / 1e15
    }

    /// The duration in seconds.
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
