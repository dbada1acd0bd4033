import BasculeDomain
import Foundation

/// The verification as one self-contained HTML page (no script, no outside file), to send to the
/// principal or print: a table per kind of finding. Every value comes from a directory or an
/// export that anyone may have typed into, so every value is escaped.
public enum VerificationPage {
    public static func html(_ reports: [VerificationReport]) -> String {
        let title = "Vérification de rentrée — " + (reports.map(\.uai.code).joined(separator: ", "))
        var out = """
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>
            body { font-family: sans-serif; margin: 1.5em; color: #111; line-height: 1.4; }
            table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }
            caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
            th, td { border: 1px solid #666; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
            th { background: #e8e8e8; }
            .error { color: #8b0000; font-weight: bold; }
            .warning { color: #6b4e00; }
            .clean { color: #0b5d1e; font-weight: bold; }
            .note { background: #fff6d5; border-left: 4px solid #b58900; padding: 0.4em 0.6em; }
            code { font-size: 0.95em; }
            @media print { body { margin: 0.5cm; } }
            </style></head><body>
            <h1>\(escape(title))</h1>

            """
        for r in reports {
            out += "<section aria-labelledby=\"uai-\(escape(r.uai.code))\">\n"
            out += "<h2 id=\"uai-\(escape(r.uai.code))\">Établissement \(escape(r.uai.code)) au \(escape(r.date.french))</h2>\n"
            out += "<p>Annuaire lu : \(escape(r.directory)).</p>\n"
            out += "<p>Vérifié : \(escape(r.checked.french)).</p>\n"
            for note in r.notes { out += "<p class=\"note\"><strong>À savoir :</strong> \(escape(note.french))</p>\n" }
            if r.isClean {
                out += "<p class=\"clean\">Aucun écart : chacun atteint ses classes et ses groupes, rien ne reste de l'année passée.</p>\n"
            } else {
                let errors = r.findings.filter { $0.severity == .error }.count
                out += "<p>\(r.findings.count) écart(s) : \(errors) erreur(s), \(r.findings.count - errors) avertissement(s).</p>\n"
                out += "<ul>\n"
                for (kind, mine) in r.byKind {
                    out += "<li><a href=\"#\(escape(r.uai.code))-\(kind.rawValue)\">\(escape(kind.title.french))</a> : \(mine.count)</li>\n"
                }
                out += "</ul>\n"
            }
            for (kind, mine) in r.byKind {
                out += """
                    <table id="\(escape(r.uai.code))-\(kind.rawValue)">
                    <caption>\(escape(kind.title.french)) (<code>\(kind.rawValue)</code>, \(escape(kind.severity.french))) : \(mine.count)</caption>
                    <thead><tr><th scope="col">Qui</th><th scope="col">Groupe ou emplacement</th><th scope="col">Constat</th><th scope="col">Depuis</th><th scope="col">Correction</th></tr></thead>
                    <tbody>

                    """
                for f in mine {
                    let place = [f.group, f.location].compactMap { $0 }.map(escape).joined(separator: "<br>")
                    let since = f.since.map { escape($0.french) } ?? "inconnu : \(escape(f.sinceUnknown?.french ?? ""))"
                    out += "<tr><th scope=\"row\" class=\"\(f.severity.rawValue)\">\(escape(f.who))</th><td>\(place)</td>"
                        + "<td>\(escape(f.what.french))</td><td>\(since)</td><td>\(escape(f.fix.french))</td></tr>\n"
                }
                out += "</tbody></table>\n"
            }
            out += "</section>\n"
        }
        return out + "</body></html>\n"
    }

    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
