import Foundation

/// Slows down password guessing, per account and per client address (CNIL deliberation 2022-100:
/// a 12-character password under the memo's rule, about 71 bits, calls for such a restriction).
///
/// After `accountThreshold` failures in a row on one account (or `addressThreshold` from one
/// address, whatever the accounts tried), each new attempt waits: `baseDelay`, doubled at each
/// further failure, up to `maxDelay`. While it waits, an attempt is refused without the password
/// even being checked, so a guess made then teaches nothing. A successful login clears the
/// account's count (not the address's: an attacker who knows one password does not get a fresh
/// budget for the others). Counts live in memory: a restart forgets them, which costs an attacker
/// a restart they cannot cause. Entries idle for `forgetAfter` are dropped.
public actor LoginThrottle {
    public struct Policy: Sendable, Hashable {
        public var accountThreshold: Int
        public var addressThreshold: Int
        public var baseDelay: TimeInterval
        public var maxDelay: TimeInterval
        public var forgetAfter: TimeInterval

        public init(accountThreshold: Int = 5, addressThreshold: Int = 20, baseDelay: TimeInterval = 30,
                    maxDelay: TimeInterval = 3600, forgetAfter: TimeInterval = 24 * 3600) {
            self.accountThreshold = accountThreshold
            self.addressThreshold = addressThreshold
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
            self.forgetAfter = forgetAfter
        }

        /// The wait after `failures` failures in a row against `threshold`: none below it.
        public func delay(after failures: Int, threshold: Int) -> TimeInterval {
            guard failures >= threshold else { return 0 }
            let doublings = min(failures - threshold, 30)
            return min(baseDelay * pow(2, Double(doublings)), maxDelay)
        }
    }

    struct Count { var failures: Int; var last: Date }

    public let policy: Policy
    private var accounts: [String: Count] = [:]
    private var addresses: [String: Count] = [:]

    public init(policy: Policy) { self.policy = policy }

    /// Seconds to wait before `account` may be tried from `address`; nil when it may now.
    public func wait(account: String, address: String, now: Date) -> TimeInterval? {
        forgetIdle(now: now)
        var longest: TimeInterval = 0
        if let c = accounts[account] {
            longest = max(longest, c.last.addingTimeInterval(policy.delay(after: c.failures, threshold: policy.accountThreshold)).timeIntervalSince(now))
        }
        if let c = addresses[address] {
            longest = max(longest, c.last.addingTimeInterval(policy.delay(after: c.failures, threshold: policy.addressThreshold)).timeIntervalSince(now))
        }
        return longest > 0 ? longest : nil
    }

    /// Lets an attempt on `account` from `address` go ahead (nil), counted at once as a failure,
    /// or says how long it must wait. Counting before the password is checked is what holds
    /// against attempts sent together: checking takes time, and were the failure counted only
    /// after it, a hundred attempts sent at once would all pass ``wait(account:address:now:)``
    /// before the first was counted.
    public func admit(account: String, address: String, now: Date) -> TimeInterval? {
        if let wait = wait(account: account, address: address, now: now) { return wait }
        failed(account: account, address: address, now: now)
        return nil
    }

    public func failed(account: String, address: String, now: Date) {
        accounts[account, default: Count(failures: 0, last: now)].failures += 1
        accounts[account]!.last = now
        addresses[address, default: Count(failures: 0, last: now)].failures += 1
        addresses[address]!.last = now
    }

    /// An attempt ``admit(account:address:now:)`` let through turned out right: the account's
    /// count is cleared, and the address's gets back the failure counted in advance.
    public func succeeded(account: String, address: String) {
        accounts[account] = nil
        if let c = addresses[address] { addresses[address] = c.failures > 1 ? Count(failures: c.failures - 1, last: c.last) : nil }
    }

    private var lastSweep = Date.distantPast

    private func forgetIdle(now: Date) {
        guard now.timeIntervalSince(lastSweep) > 60 else { return }
        lastSweep = now
        accounts = accounts.filter { now.timeIntervalSince($0.value.last) < policy.forgetAfter }
        addresses = addresses.filter { now.timeIntervalSince($0.value.last) < policy.forgetAfter }
    }
}
