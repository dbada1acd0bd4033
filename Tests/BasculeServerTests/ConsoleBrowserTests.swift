import BasculeApp
import BasculeDomain
import BasculeServer
import BasculeStore
import BasculeTesting
import Foundation
import Testing

/// The day the service believes it is, moved by the test (the closure is lifted while it holds).
final class DayBox: @unchecked Sendable {
    private let lock = NSLock()
    private var day: CivilDate
    init(_ day: CivilDate) { self.day = day }
    var value: CivilDate {
        get { lock.withLock { day } }
        set { lock.withLock { day = newValue } }
    }
}

/// A name as an export may carry it: markup, an attribute breaker, a spreadsheet formula.
let hostileFamilyName = "\"><img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>=CMD()"

/// The console as people use it: a browser that types, clicks, waits for what a person would see.
struct ConsoleBrowser {
    let browser: WebDriver
    let server: Running
    /// Where the captures go: a temporary folder (so that running the tests leaves the work tree
    /// as it was), or `BASCULE_SCREENSHOTS` when set (`scripts/captures` sets it to docs/captures).
    let captures: String

    init(browser: WebDriver, server: Running, temporary: TemporaryDirectory) {
        self.browser = browser
        self.server = server
        captures = Self.capturesFolder(environment: ProcessInfo.processInfo.environment, temporary: temporary.url.appendingPathComponent("captures").path)
    }

    /// `BASCULE_SCREENSHOTS` when set and not empty (a relative path from the package's root), else `temporary`.
    static func capturesFolder(environment: [String: String], temporary: String) -> String {
        guard let asked = environment["BASCULE_SCREENSHOTS"], !asked.isEmpty else { return temporary }
        if asked.hasPrefix("/") { return asked }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(asked).path
    }

    /// Waits (up to a minute) for a script's condition to hold; never a timed assertion.
    func wait(_ condition: String, _ what: String) async throws {
        for _ in 0..<600 {
            if try await browser.execute("return !!(\(condition))") as? Bool == true { return }
            await ChildProcess.pause(seconds: 0.1)
        }
        Issue.record("jamais vu : \(what) — \(try await browser.element("main").text.prefix(600))")
        throw WebDriver.Failure.failed(what)
    }

    func open(_ path: String) async throws {
        try await browser.open(server.url(path))
        try await wait("document.readyState === 'complete' && document.querySelector('main')", "la page \(path)")
    }

    func text(_ css: String = "main") async throws -> String { try await browser.element(css).text }

    func fill(_ css: String, _ value: String) async throws {
        let field = try await browser.element(css)
        try await field.clear()
        try await field.type(value)
    }

    /// Clicks and waits for the next page (the old one's marker gone, the new one loaded).
    func submit(_ css: String) async throws {
        _ = try await browser.execute("document.body.dataset.ancienne = '1'")
        try await browser.element(css).click()
        try await wait("!document.body.dataset.ancienne && document.readyState === 'complete' && document.querySelector('main')", "la page après \(css)")
    }

    func login(_ login: String, school: UAI?, password: String = School.password) async throws {
        try await open("/console/connexion")
        try await fill("#identifiant", login)
        try await fill("#motDePasse", password)
        try await fill("#etablissement", school?.code ?? "")
        try await submit("main form button[type=submit]")
    }

    func logout() async throws {
        try await submit("form.deconnexion button")
    }

    /// What a screen reader and a keyboard need of every page: French, one main heading, a label
    /// for every field and button, a caption or a label for every table, nothing focusable hidden
    /// from the keyboard.
    func expectAccessible(_ page: String) async throws {
        #expect(try await browser.execute("return document.documentElement.lang") as? String == "fr", "\(page)")
        #expect(try await browser.execute("return document.querySelectorAll('h1').length") as? Int == 1, "\(page): one h1")
        let unlabelled = try await browser.execute("""
            return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
              .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.name || e.id)
            """) as? [String] ?? ["?"]
        #expect(unlabelled.isEmpty, "\(page): fields without a label: \(unlabelled)")
        let mute = try await browser.execute("""
            return Array.from(document.querySelectorAll('button, a')).filter(e => !(e.textContent.trim() || e.getAttribute('aria-label'))).length
            """) as? Int
        #expect(mute == 0, "\(page): a button or link with nothing to read")
        #expect(try await browser.execute("return Array.from(document.querySelectorAll('table')).every(t => t.caption)") as? Bool == true,
                "\(page): a table without a caption")
        #expect(try await browser.execute("return document.querySelectorAll('[tabindex]:not([tabindex=\"0\"])').length") as? Int == 0, "\(page)")
        // WCAG 2.1 AA contrast (1.4.3): 4.5:1 for text, 3:1 for large text, each text against the
        // background it is drawn on (the ancestors' colours blended, white under them all).
        let faint = try await browser.execute("""
            const rgb = s => { const m = s.match(/[\\d.]+/g); return m ? { r: +m[0], g: +m[1], b: +m[2], a: m.length > 3 ? +m[3] : 1 } : null; };
            const blend = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
                                             b: top.b * top.a + under.b * (1 - top.a), a: 1 });
            const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                               return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
            const background = e => {
              const layers = [];
              for (let n = e; n; n = n.parentElement) {
                const c = rgb(getComputedStyle(n).backgroundColor);
                if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
              }
              return layers.reverse().reduce((under, top) => blend(top, under), { r: 255, g: 255, b: 255, a: 1 });
            };
            const faint = [];
            for (const e of document.querySelectorAll('body *')) {
              if (!Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
              const s = getComputedStyle(e);
              if (s.visibility === 'hidden' || e.getClientRects().length === 0) continue;
              const under = background(e), text = blend(rgb(s.color), under);
              const [a, b] = [lum(text), lum(under)];
              const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
              const size = parseFloat(s.fontSize), large = size >= 24 || (parseInt(s.fontWeight) >= 700 && size >= 18.66);
              if (ratio < (large ? 3 : 4.5)) faint.push(e.tagName + ' « ' + e.textContent.trim().slice(0, 40) + ' » ' + ratio.toFixed(2));
            }
            return faint;
            """) as? [String] ?? ["?"]
        #expect(faint.isEmpty, "\(page): text under the contrast WCAG AA asks: \(faint)")
    }

    /// A PNG of the page (the README shows those of docs/captures), once the page is checked for accessibility.
    func capture(_ name: String) async throws {
        try await expectAccessible(name)
        try FileManager.default.createDirectory(atPath: captures, withIntermediateDirectories: true)
        let file = captures + "/\(name).png"
        try await browser.screenshot(to: file)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name): a PNG written")
    }

    /// The page shows the hostile name as text, and nothing of it ran or became an element.
    func expectInert(_ page: String) async throws {
        #expect(try await browser.execute("return window.pwned === undefined") as? Bool == true, "\(page): a script from the export ran")
        #expect(try await browser.execute("return document.querySelectorAll('img').length") as? Int == 0, "\(page): an element from the export")
        #expect(try await browser.execute("return Array.from(document.scripts).some(s => s.textContent.includes('pwned'))") as? Bool == false,
                "\(page): a script element from the export")
        #expect(try await text().contains(hostileFamilyName), "\(page): the name is shown as the export wrote it")
    }
}

@Suite("The console in a real browser", .serialized, .enabled(if: WebDriver.isInstalled, "chromium and chromium-driver (Debian) drive the pages"))
struct ConsoleBrowserTests {
    /// The STS-Web export with one person's names made hostile.
    static func hostileSTS(_ school: School) throws -> URL {
        let exports = school.dir.url.appendingPathComponent("exports")
        let files = try FileManager.default.subpathsOfDirectory(atPath: exports.path).filter { $0.lowercased().contains("sts") && $0.hasSuffix(".xml") }
        let original = try Data(contentsOf: exports.appendingPathComponent(try #require(files.first)))
        let escaped = hostileFamilyName.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        var changed = original
        // The first person's usage and birth names (they come one after the other).
        for tag in ["NOM_USAGE", "NOM_PATRONYMIQUE"] {
            let start = try #require(changed.range(of: Data("<\(tag)>".utf8)))
            let end = try #require(changed.range(of: Data("</\(tag)>".utf8), in: start.upperBound..<changed.endIndex))
            changed.replaceSubrange(start.upperBound..<end.lowerBound, with: Data(escaped.utf8))
        }
        let url = school.dir.url.appendingPathComponent("sts_emp_modifie.xml")
        try changed.write(to: url)
        return url
    }

    @Test("By keyboard alone: the first Tab reaches the skip link, each field after it shows where the focus is, Enter logs in and the skip link leads to the page's content")
    func keyboardOnly() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let server = try await Running.start(settings(school, clock: TestClock(rentreeMorning)), store: school.store)
        defer { Task { await server.stop() } }
        let page = ConsoleBrowser(browser: try await WebDriver(width: 1024, height: 1366), server: server, temporary: school.dir)
        let browser = page.browser
        func focused() async throws -> (id: String, text: String, outline: String) {
            let f = try await browser.execute("""
                const e = document.activeElement, s = getComputedStyle(e);
                return [e.id || e.name || e.tagName, (e.textContent || '').trim(), s.outlineStyle + ' ' + s.outlineWidth];
                """) as? [String] ?? []
            return (f.first ?? "", f.dropFirst().first ?? "", f.last ?? "")
        }
        try await page.open("/console/connexion")
        try await browser.press(WebDriver.tab)
        let skip = try await focused()
        #expect(skip.text == "Aller au contenu" && skip.outline.hasPrefix("solid"), "\(skip)")
        #expect(try await browser.execute("return document.activeElement.getBoundingClientRect().left >= 0") as? Bool == true,
                "the skip link comes into view when focused")
        var order: [String] = []
        for _ in 0..<6 where !order.contains("etablissement") {
            try await browser.press(WebDriver.tab)
            let f = try await focused()
            #expect(f.outline.hasPrefix("solid"), "the focus is shown on \(f.id): \(f.outline)")
            order.append(f.id)
            switch f.id {
            case "identifiant": try await browser.press(school.rupn.login)
            case "motDePasse": try await browser.press(School.password)
            case "etablissement": try await browser.press(school.uai.code)
            default: break
            }
        }
        #expect(Array(order.suffix(3)) == ["identifiant", "motDePasse", "etablissement"], "the fields in reading order: \(order)")
        try await browser.press(WebDriver.enter)
        try await page.wait("document.querySelector('h1') && document.querySelector('h1').textContent.includes('Tableau de bord')", "le tableau de bord")
        try await browser.press(WebDriver.tab)
        #expect(try await focused().text == "Aller au contenu")
        try await browser.press(WebDriver.enter)
        #expect(try await browser.execute("return location.hash") as? String == "#contenu")
    }

    @Test("A rollover through the console: the RUPN uploads and applies with the progress bar, the principal lifts the closure for students and delegates GAR assignment, a teacher resets a student of their class and is refused for another, a student changes their password after a refusal by the rule, the department sees the school's held plan; hostile names render as text")
    func rolloverAsEachRole() async throws {
        let school = try await School.make()
        defer { Task { await school.close() } }
        let store = school.store
        let day = DayBox(School.day)
        let clock = TestClock(rentreeMorning)
        let settings = ServerSettings(dataDirectory: school.dir.path, passwordRounds: 10_000, accessIndexRefresh: 0,
                                      now: { clock.now }, today: { day.value }, logger: LogCapture().logger)
        let server = try await Running.start(settings, store: store)
        defer { Task { await server.stop() } }
        let page = ConsoleBrowser(browser: try await WebDriver(width: 1024, height: 1366), server: server, temporary: school.dir)
        let uai = school.uai

        // Not logged in: the login page, in French.
        try await page.open("/console")
        #expect(try await page.browser.title.contains("Connexion"))
        try await page.capture("connexion")

        // The RUPN uploads an export with a hostile name, then applies the plan with the progress bar.
        try await page.login(school.rupn.login, school: uai)
        try await page.wait("document.querySelector('h1').textContent.includes('Tableau de bord')", "le tableau de bord du RUPN")
        #expect(try await page.browser.execute("return document.getElementById('aujourdhui') !== null") as? Bool == true, "today is marked")
        // The timeline's periods, as drawn: none covers another, all inside the timeline.
        let overlapping = try await page.browser.execute("""
            const f = document.querySelector('.frise').getBoundingClientRect();
            const r = Array.from(document.querySelectorAll('.frise .periode')).map(e => e.getBoundingClientRect());
            if (r.length < 2) return 'too few periods: ' + r.length;
            if (r.some(a => a.top < f.top || a.bottom > f.bottom || a.left < f.left - 1 || a.right > f.right + 1)) return 'a period outside the timeline';
            const pairs = [];
            r.forEach((a, i) => r.forEach((b, j) => { if (i < j && a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom && b.top < a.bottom) pairs.push(i + '/' + j); }));
            return pairs.join(' ');
            """) as? String
        #expect(overlapping == "", "the timeline's bars: \(overlapping ?? "?")")
        try await page.capture("tableau-de-bord")
        try await page.open("/console/etablissements/\(uai.code)/imports")
        try await page.browser.element("#fichier").type(try Self.hostileSTS(school).path)
        try await page.submit("main form button[type=submit]")
        let uploaded = try await page.text()
        #expect(uploaded.contains("importé"), "\(uploaded.prefix(600))")
        try await page.capture("imports")
        try await page.open("/console/etablissements/\(uai.code)/plan")
        try await page.expectInert("plan")
        try await page.capture("plan")
        _ = try await page.browser.execute("document.getElementById('appliquer').dataset.suivi = '1'")
        try await page.browser.element("#bouton-appliquer").click()
        try await page.wait("document.getElementById('progression').value === 100 && document.getElementById('etape').textContent.includes('Plan appliqué')",
                            "la barre de progression à 100 %")
        #expect(try await page.browser.execute("return document.getElementById('appliquer').dataset.suivi") as? String == "1",
                "the page stayed: the progress came over server-sent events")
        try await page.capture("plan-applique")
        try await page.open("/console/etablissements/\(uai.code)/comptes?q=pwned")
        try await page.expectInert("comptes")
        // That account's page: its name as text, the proposed login change declined.
        try await page.submit("#comptes tbody a")
        try await page.expectInert("compte")
        #expect(try await page.text("#renommage").contains("Changement d'identifiant proposé"))
        try await page.capture("compte")
        try await page.submit("#renommage button[value=refuser]")
        #expect(try await page.text(".message").contains("garde son identifiant"))
        // The staff's sheets, the hostile name among them; handed out, their passwords are gone.
        try await page.open("/console/etablissements/\(uai.code)/fiches?selection=personnels")
        try await page.expectInert("fiches")
        #expect(try await page.browser.elements(".provisoire").count > 0)
        try await page.capture("fiches")
        try await page.submit("#remises button[type=submit]")
        #expect(try await page.text(".message").contains("marquée(s) remise(s)"))
        #expect(try await page.browser.elements(".provisoire").isEmpty, "no temporary password shown once handed out")
        try await page.open("/console/etablissements/\(uai.code)/verification")
        #expect(try await page.text("h1").contains("Vérification de rentrée"))
        try await page.capture("verification")
        try await page.open("/console/etablissements/\(uai.code)/espaces")
        #expect(try await page.text().contains("Nettoyages prévus par le calendrier"))
        try await page.logout()

        // The principal, during the rentrée closure: lifts it for students only, delegates GAR assignment.
        day.value = CivilDate(year: 2026, month: 8, day: 28)!
        try await page.login(school.principal.login, school: uai)
        try await page.open("/console/etablissements/\(uai.code)/fermeture")
        try await page.browser.element("#profil-students").click()
        try await page.submit("main form button[type=submit]")
        #expect(try await page.text().contains("Fermeture levée pour : élèves"))
        try await page.capture("fermeture")
        try await page.open("/console/etablissements/\(uai.code)")
        let access = try await page.text("main")
        #expect(access.contains("élèves : ouvert"), "\(access)")
        #expect(access.contains("responsables : fermé"), "the parents stay closed: \(access)")
        try await page.open("/console/etablissements/\(uai.code)/autorisations")
        _ = try await page.browser.execute("document.getElementById('droit').value = 'gar-assignment'")
        try await page.fill("#identifiant", school.otherStaff.login)
        try await page.submit("#deleguer button[type=submit]")
        let rights = try await page.text("#titulaires")
        #expect(rights.contains("gar-assignment") && rights.contains(school.otherStaff.login), "\(rights)")
        #expect(try await page.text().contains("Rentrée"), "the reminder to review last year's holders")
        try await page.capture("autorisations")
        #expect(try await school.store.rights(uai: uai).contains { $0.right == .garAssignment })
        // And withdrawn from its row: the store forgets it, the list no longer shows it.
        try await page.submit("form:has(input[name=droit][value='gar-assignment']):has(input[name=identifiant][value='\(school.otherStaff.login)']) button")
        #expect(!(try await school.store.rights(uai: uai).contains { $0.right == .garAssignment }), "revoked in the store")
        #expect(!(try await page.text("#titulaires")).contains("gar-assignment"))
        try await page.open("/console/etablissements/\(uai.code)/departs")
        #expect(try await page.text("h1").contains("Départs"))
        try await page.logout()
        day.value = School.day

        // A teacher resets a student of their class, and is refused for another.
        try await page.login(school.teacher.login, school: uai)
        try await page.open("/console/etablissements/\(uai.code)/classes")
        try await page.capture("mes-classes")
        try await page.submit("main a[href*='fiches?selection=']")
        #expect(try await page.browser.elements(".fiche").count > 0, "a teacher prints their class's sheets")
        try await page.open("/console/etablissements/\(uai.code)/classes")
        try await page.submit("form:has(input[name=identifiant][value='\(school.taught.login)']) button")
        #expect(try await page.text("#identifiant-fiche") == school.taught.login)
        let temporary = try await page.text("#provisoire")
        #expect(temporary.count >= 8, "the temporary password is shown once: \(temporary)")
        try await page.capture("fiche")
        try await page.open("/console/etablissements/\(uai.code)/classes")
        try await page.fill("#autre", school.untaught.login)
        try await page.submit("#autre-eleve button[type=submit]")
        let refusal = try await page.text()
        #expect(refusal.contains("Refusé"), "\(refusal)")
        #expect(try await page.browser.execute("return document.getElementById('provisoire') === null") as? Bool == true)
        try await page.logout()

        // A student: refused by the rule first (and told why as they type), then accepted.
        try await page.login(school.untaught.login, school: uai)
        try await page.open("/console/mot-de-passe")
        try await page.fill("#ancien", School.password)
        try await page.fill("#nouveau", "court")
        #expect(try await page.text("#regle-longueur").contains("non respectée"), "the rule is shown as one types")
        try await page.submit("#form-mot-de-passe button[type=submit]")
        #expect(try await page.text(".erreur").contains("Trop court"))
        try await page.fill("#ancien", School.password)
        try await page.fill("#nouveau", "Velo!Jaune-7842x")
        for rule in ["longueur", "types", "identifiant", "nom"] {
            let shown = try await page.text("#regle-\(rule)")
            #expect(shown.contains("respectée") && !shown.contains("non respectée"), "\(rule): \(shown)")
        }
        try await page.capture("mot-de-passe")
        try await page.submit("#form-mot-de-passe button[type=submit]")
        #expect(try await page.text(".message").contains("Mot de passe changé"))
        try await page.logout()
        try await page.login(school.untaught.login, school: uai, password: "Velo!Jaune-7842x")
        #expect(try await page.browser.title.contains("Tableau de bord"), "the new password opens a session")
        try await page.logout()

        // The department sees, among all schools, the one whose plan is held.
        try await store.saveDepartmentAdmin(DepartmentAdmin(login: "alice", passwordHash: try PasswordHasher(rounds: 1_000).hash(School.password),
                                                            createdAt: "2026-09-01T00:00:00Z", createdBy: "test"), replacing: false, audit: [])
        try await store.openToDo(ToDo(kind: .planHeld, role: .rupn, uai: uai, reason: Reason("départs en masse : 60 % des élèves", "mass departures"),
                                      planHash: "0123456789abcdef"), on: School.day)
        try await page.login("alice", school: nil)
        try await page.wait("location.pathname === '/console/departement'", "la vue du département")
        _ = try await page.browser.execute("document.getElementById('etat').value = 'plan-retenu'")
        try await page.submit("main form button[type=submit]")
        let schools = try await page.text("#etablissements")
        #expect(schools.contains(uai.code) && schools.contains("Plan retenu") && schools.contains("départs en masse"), "\(schools)")
        try await page.capture("departement")
        // From there to the school, where the held plan is confirmed with a reason.
        try await page.submit("#etablissements a")
        try await page.fill("form[id^=confirmer] input[name=raison]", "export partiel vérifié avec le secrétariat")
        try await page.submit("form[id^=confirmer] button[type=submit]")
        let confirmed = try await page.text()
        #expect(confirmed.contains("Plan retenu confirmé"), "\(confirmed.prefix(500))")
        #expect(try await store.auditEntries(AuditFilter(uai: uai, event: "confirm-plan")).first?.french.contains("export partiel vérifié") == true)
    }
}
