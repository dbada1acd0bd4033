import BasculeDomain

/// xoshiro256**, the generator behind every random choice. Its own helpers (bounded integers,
/// chances, shuffles) are written out rather than taken from the standard library, whose
/// algorithms may change between toolchains: the same seed must give the same bytes forever.
struct Xoshiro: Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        s0 = sm.next()
        s1 = sm.next()
        s2 = sm.next()
        s3 = sm.next()
    }

    /// An independent stream for a sub-task (a school, a file), derived from this one's seed and a salt.
    static func stream(seed: UInt64, salt: UInt64) -> Xoshiro {
        var sm = SplitMix64(state: seed ^ (salt &* 0xD1B5_4A32_D192_ED03))
        return Xoshiro(seed: sm.next())
    }

    mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in `0..<n` (multiply-high; the bias is far below anything observable here).
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "empty range")
        return Int(UInt64(n).multipliedFullWidth(by: next()).high)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    mutating func chance(_ p: Double) -> Bool { unit() < p }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            let j = below(i + 1)
            if i != j { items.swapAt(i, j) }
        }
    }

    /// `count` distinct indices of `0..<n`, in drawing order.
    mutating func sample(_ count: Int, of n: Int) -> [Int] {
        var all = Array(0..<n)
        let k = min(count, n)
        for i in 0..<k {
            let j = i + below(n - i)
            all.swapAt(i, j)
        }
        return Array(all[0..<k])
    }
}

/// A list to draw from with weights, by binary search on the cumulated weights.
struct WeightedList: Sendable {
    let items: [String]
    private let cumulated: [Int]

    init(_ pairs: [(String, Int)]) {
        items = pairs.map(\.0)
        var total = 0
        cumulated = pairs.map { total += max(1, $0.1); return total }
    }

    func draw(_ rng: inout Xoshiro) -> String {
        let r = rng.below(cumulated.last!)
        var lo = 0
        var hi = cumulated.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulated[mid] > r { hi = mid } else { lo = mid + 1 }
        }
        return items[lo]
    }
}

/// FNV-1a: a stable hash (Swift's `Hasher` is seeded per process), for choices made while
/// writing, where no generator is at hand.
func stableHash(_ text: String, _ salt: UInt64 = 0) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ salt
    for b in text.utf8 {
        h ^= UInt64(b)
        h = h &* 0x100_0000_01B3
    }
    return h
}
