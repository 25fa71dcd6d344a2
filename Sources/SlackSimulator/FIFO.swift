/// A simple array-backed FIFO with amortised O(1) pop.
struct FIFO<Element> {
    private var storage: [Element] = []
    private var head = 0

    /// Whether nothing is queued.
    var isEmpty: Bool { self.head == self.storage.count }
    /// Number of queued elements.
    var count: Int { self.storage.count - self.head }
    /// The oldest element, if any.
    var first: Element? { self.isEmpty ? nil : self.storage[self.head] }

    /// Appends at the back.
    mutating func append(_ element: Element) { self.storage.append(element) }

    /// Removes and returns the oldest element.
    mutating func popFirst() -> Element? {
        guard !self.isEmpty else { return nil }
        let element = self.storage[self.head]
        self.head += 1
        if self.head > 1024, self.head * 2 > self.storage.count {
            self.storage.removeFirst(self.head)
            self.head = 0
        }
        return element
    }

    /// Empties the queue.
    mutating func removeAll() {
        self.storage.removeAll()
        self.head = 0
    }

    /// The queued elements, oldest first.
    var elements: ArraySlice<Element> { self.storage[self.head...] }
}
