import BasculeDomain
import Foundation

/// When the department's day runs: every day at one hour of the server's time zone. The day due
/// at a moment is today once the hour has passed, yesterday before it; days missed while the
/// service was down are caught up, `catchUpDays` at most.
public struct DailySchedule: Sendable, Equatable {
    public var hour = 6
    public var minute = 30
    public var timeZone = TimeZone.current
    public var catchUpDays = 31

    public init(hour: Int = 6, minute: Int = 30, timeZone: TimeZone = .current, catchUpDays: Int = 31) {
        self.hour = hour
        self.minute = minute
        self.timeZone = timeZone
        self.catchUpDays = catchUpDays
    }

    /// `06:30`, `6:30`, `06h30`.
    public static func parseTime(_ text: String) -> (Int, Int)? {
        let parts = text.trimmingCharacters(in: .whitespaces).lowercased().split(whereSeparator: { $0 == ":" || $0 == "h" })
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m) else { return nil }
        return (h, m)
    }

    var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        return c
    }

    /// The day `now` falls on in the schedule's time zone.
    public func day(of now: Date) -> CivilDate {
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return CivilDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// The last day whose hour has come by `now`. Compared as moments, not as clock readings: in
    /// the hour the clocks go back (02:00–03:00 twice in October), a reading of 02:10 after 02:30
    /// went by would otherwise make the day due go back to yesterday.
    public func dueDay(at now: Date) -> CivilDate {
        let today = day(of: now)
        return now >= runTime(onDayOf: now) ? today : today.adding(days: -1)
    }

    /// The next time the hour comes, after `now` (a day of 23 or 25 hours when the clocks change):
    /// once a day, never the second 02:30 of an October night.
    public func nextRun(after now: Date) -> Date {
        let today = runTime(onDayOf: now)
        if today > now { return today }
        let start = calendar.startOfDay(for: now)
        // Midday tomorrow is on tomorrow whatever the clocks do tonight.
        guard let tomorrow = calendar.date(byAdding: .hour, value: 36, to: start) else { return now.addingTimeInterval(86_400) }
        let next = runTime(onDayOf: tomorrow)
        return next > now ? next : now.addingTimeInterval(86_400)
    }

    /// The moment the day of `date` runs: the hour on that day, its first occurrence when the
    /// clocks go back over it, the first minute after it that exists (03:00) when they go forward.
    func runTime(onDayOf date: Date) -> Date {
        let start = calendar.startOfDay(for: date)
        return calendar.date(bySettingHour: hour, minute: minute, second: 0, of: start,
                             matchingPolicy: .nextTime, repeatedTimePolicy: .first, direction: .forward)
            ?? start.addingTimeInterval(Double(hour * 3600 + minute * 60))
    }
}
