// The agents' schedule: a binary min-heap of (time, dataset position).

/// A binary min-heap of scheduled agent steps.
struct StepHeap {
  struct Entry {
    var time: Double
    var position: Int
  }

  private var items: [Entry] = []

  func peek() -> Entry? { items.first }

  mutating func push(_ entry: Entry) {
    items.append(entry)
    var child = items.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard items[child].time < items[parent].time else { break }
      items.swapAt(child, parent)
      child = parent
    }
  }

  mutating func pop() -> Entry? {
    guard !items.isEmpty else { return nil }
    let top = items[0]
    let last = items.removeLast()
    if !items.isEmpty {
      items[0] = last
      var parent = 0
      while true {
        let left = 2 * parent + 1
        let right = left + 1
        var smallest = parent
        if left < items.count, items[left].time < items[smallest].time { smallest = left }
        if right < items.count, items[right].time < items[smallest].time { smallest = right }
        if smallest == parent { break }
        items.swapAt(parent, smallest)
        parent = smallest
      }
    }
    return top
  }
}
