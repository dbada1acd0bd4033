/// The words fictional people and schools are made of. Every entry is representable in
/// ISO-8859-15 (a test checks it), so what is generated is what the files say.
enum Corpus {
    // MARK: Children (born in the 2010s)

    static let girls: [String] = [
        "Emma", "Jade", "Louise", "Alice", "Chloé", "Lina", "Léa", "Rose", "Anna", "Mila", "Inès", "Ambre",
        "Julia", "Mia", "Léna", "Manon", "Juliette", "Lou", "Zoé", "Camille", "Agathe", "Jeanne", "Lucie",
        "Éva", "Nina", "Sarah", "Romane", "Inaya", "Charlotte", "Léonie", "Romy", "Adèle", "Iris", "Louna",
        "Sofia", "Margaux", "Luna", "Clémence", "Victoire", "Lola", "Anaïs", "Hélène", "Noémie", "Maëlys",
        "Clara", "Zélie", "Héloïse", "Maëlle", "Océane", "Élise", "Salomé", "Aïcha", "Yasmine", "Marie-Noëlle",
        "Anne-Sophie", "Maïwenn", "Solène", "Gaëlle", "Fatoumata", "Aminata", "Nour", "Myriam", "Chaïma",
        "Joséphine", "Bérénice", "Capucine", "Éléonore", "Mathilde", "Pauline", "Apolline", "Célia", "Candice",
        "Faustine", "Lise", "Maëva", "Thaïs", "Énora", "Nolwenn", "Perrine", "Mélissa", "Coralie", "Laïa",
        "Marie", "Lyna", "Emmy", "Ophélie", "Cléa", "Aurélie", "Stella", "Garance", "Eloïse", "Naïa",
    ]

    static let boys: [String] = [
        "Gabriel", "Léo", "Raphaël", "Arthur", "Louis", "Jules", "Adam", "Maël", "Lucas", "Hugo", "Noah",
        "Liam", "Gabin", "Sacha", "Paul", "Nathan", "Aaron", "Mohamed", "Ethan", "Tom", "Éden", "Léon", "Noé",
        "Tiago", "Théo", "Isaac", "Marius", "Victor", "Ayden", "Martin", "Naël", "Mathis", "Axel", "Robin",
        "Timéo", "Enzo", "Marceau", "Valentin", "Nolan", "Malo", "Antoine", "Samuel", "Baptiste", "Clément",
        "Côme", "Évan", "Esteban", "Jean-Étienne", "Jean-Baptiste", "Pierre-Louis", "Anatole", "Félix",
        "Joël", "Loïc", "Mathéo", "Rayan", "Ibrahim", "Youssef", "Amadou", "Moussa", "Yanis", "Kylian",
        "Noam", "Élie", "Gaël", "Benoît", "François", "Jérémy", "Maxence", "Titouan", "Erwan", "Corentin",
        "Killian", "Aurélien", "Timothée", "Éliott", "Ruben", "Mathys", "Lény", "Ewen", "Mehdi", "Ilyès",
        "Thibault", "Lorenzo", "Swann", "Basile", "Célestin", "Hippolyte", "Zacharie", "Joachim",
    ]

    // MARK: Adults (parents, staff)

    static let women: [String] = [
        "Nathalie", "Isabelle", "Sylvie", "Catherine", "Sandrine", "Stéphanie", "Valérie", "Céline", "Aurélie",
        "Émilie", "Julie", "Audrey", "Virginie", "Caroline", "Séverine", "Karine", "Laetitia", "Élodie",
        "Mélanie", "Sophie", "Hélène", "Marie-Noëlle", "Anne-Laure", "Marie-Hélène", "Delphine", "Christelle",
        "Géraldine", "Frédérique", "Béatrice", "Agnès", "Véronique", "Florence", "Cécile", "Françoise",
        "Noëlle", "Gaëlle", "Maïté", "Annick", "Bérangère", "Anaïs", "Chloé", "Clémence", "Fatima", "Samira",
        "Nadia", "Aminata", "Khadija", "Ophélie", "Laure", "Estelle", "Magali", "Murielle", "Patricia",
        "Corinne", "Marion", "Charlotte", "Amélie", "Jessica", "Vanessa", "Émeline", "Lætitia", "Zoé",
    ]

    static let men: [String] = [
        "Stéphane", "Christophe", "Sébastien", "Nicolas", "Frédéric", "Laurent", "David", "Olivier", "Julien",
        "Jérôme", "Cédric", "Vincent", "Thierry", "Philippe", "Éric", "Pascal", "Fabrice", "Grégory",
        "Jean-Michel", "Jean-François", "Jean-Étienne", "Pierre-Yves", "Hervé", "Loïc", "Benoît", "François",
        "Gaëtan", "Joël", "Noël", "Raphaël", "Mickaël", "Ludovic", "Guillaume", "Yannick", "Jean-Luc", "Karim",
        "Mohamed", "Rachid", "Mamadou", "Abdoulaye", "Thomas", "Mathieu", "Arnaud", "Romain", "Damien",
        "Bruno", "Régis", "Gérald", "Hugues", "Yves", "Anthony", "Jérémie", "Maël", "Anaël", "Clément",
        "Aurélien", "Sylvain", "Franck", "Lionel", "Xavier",
    ]

    // MARK: Family names (canonical, mixed case; SIECLE writes them upper-cased)

    /// Names showing what real files hold: ligatures, apostrophes, particles, compound names,
    /// non-French Latin letters. Each school gets several of them on purpose.
    static let showcaseSurnames: [String] = [
        "D'Alembert", "De La Fontaine", "N'Diaye", "Saint-Exupéry", "Le Goff", "Müller", "de Villiers",
        "D'Almeida", "Le Bihan", "Cœurdevey", "Lefèvre", "Gonçalves",
    ]

    /// Family names with `œ`, one of which every school carries.
    static let ligatureSurnames: [String] = ["Lecœur", "Cœurdevey", "Œuvrard"]

    static let surnames = WeightedList([
        ("Martin", 14), ("Bernard", 9), ("Thomas", 8), ("Petit", 8), ("Robert", 7), ("Richard", 7),
        ("Durand", 7), ("Dubois", 7), ("Moreau", 6), ("Laurent", 6), ("Simon", 5), ("Michel", 5),
        ("Lefèvre", 5), ("Leroy", 5), ("Roux", 4), ("David", 4), ("Bertrand", 4), ("Morel", 4),
        ("Fournier", 4), ("Girard", 4), ("Bonnet", 4), ("Dupont", 4), ("Lambert", 4), ("Fontaine", 3),
        ("Rousseau", 3), ("Vincent", 3), ("Müller", 2), ("Lefebvre", 3), ("Faure", 3), ("André", 3),
        ("Mercier", 3), ("Blanc", 3), ("Guérin", 3), ("Boyer", 3), ("Garnier", 3), ("Chevalier", 3),
        ("François", 3), ("Legrand", 3), ("Gauthier", 3), ("Garcia", 3), ("Perrin", 3), ("Robin", 3),
        ("Clément", 3), ("Morin", 3), ("Nicolas", 3), ("Henry", 3), ("Roussel", 3), ("Mathieu", 3),
        ("Gautier", 2), ("Masson", 2), ("Marchand", 2), ("Duval", 2), ("Denis", 2), ("Dumont", 2),
        ("Marie", 2), ("Lemaire", 2), ("Noël", 2), ("Meyer", 2), ("Dufour", 2), ("Meunier", 2), ("Brun", 2),
        ("Blanchard", 2), ("Giraud", 2), ("Joly", 2), ("Rivière", 2), ("Lucas", 2), ("Brunet", 2),
        ("Gaillard", 2), ("Barbier", 2), ("Arnaud", 2), ("Martínez", 2), ("Gérard", 2), ("Roche", 2),
        ("Renard", 2), ("Schmitt", 2), ("Roy", 2), ("Leroux", 2), ("Colin", 2), ("Vidal", 2), ("Caron", 2),
        ("Picard", 2), ("Roger", 2), ("Fabre", 2), ("Aubert", 2), ("Lemoine", 2), ("Renaud", 2), ("Dumas", 2),
        ("Lacroix", 2), ("Olivier", 2), ("Philippe", 2), ("Bourgeois", 2), ("Pierre", 2), ("Benoît", 2),
        ("Rey", 2), ("Leclerc", 2), ("Payet", 1), ("Rolland", 2), ("Leclercq", 1), ("Guillaume", 2),
        ("Lecomte", 2), ("Lopez", 2), ("Jean", 1), ("Dupuy", 2), ("Guillot", 2), ("Hubert", 2), ("Berger", 2),
        ("Carpentier", 1), ("Sanchez", 2), ("Dupuis", 2), ("Moulin", 2), ("Louis", 1), ("Deschamps", 2),
        ("Huet", 1), ("Vasseur", 1), ("Perez", 2), ("Boucher", 1), ("Fleury", 1), ("Royer", 1), ("Klein", 1),
        ("Jacquet", 1), ("Adam", 1), ("Paris", 1), ("Poirier", 2), ("Marty", 1), ("Aubry", 1), ("Guyot", 1),
        ("Carré", 1), ("Charles", 1), ("Renault", 1), ("Charpentier", 1), ("Ménard", 1), ("Maillard", 1),
        ("Baron", 1), ("Bertin", 1), ("Bailly", 1), ("Hervé", 1), ("Schneider", 1), ("Fernandez", 1),
        ("Le Gall", 1), ("Collet", 1), ("Léger", 1), ("Bouvier", 1), ("Julien", 1), ("Prévost", 1),
        ("Millet", 1), ("Perrot", 1), ("Daniel", 1), ("Le Roux", 1), ("Cousin", 1), ("Germain", 1),
        ("Breton", 1), ("Besson", 1), ("Langlois", 1), ("Rémy", 1), ("Le Goff", 1), ("Pelletier", 1),
        ("Lévêque", 1), ("Perrier", 1), ("Leblanc", 1), ("Barré", 1), ("Lebrun", 1), ("Marchal", 1),
        ("Weber", 1), ("Mallet", 1), ("Hamon", 1), ("Boulanger", 1), ("Jacob", 1), ("Monnier", 1),
        ("Michaud", 1), ("Rodriguez", 1), ("Guichard", 1), ("Gillet", 1), ("Étienne", 1), ("Grondin", 1),
        ("Poulain", 1), ("Tessier", 1), ("Chevallier", 1), ("Collin", 1), ("Chauvin", 1), ("Da Silva", 1),
        ("Bouchet", 1), ("Lemaître", 1), ("Bénard", 1), ("Maréchal", 1), ("Humbert", 1), ("Reynaud", 1),
        ("Antoine", 1), ("Hoarau", 1), ("Perret", 1), ("Barthélemy", 1), ("Cordier", 1), ("Pichon", 1),
        ("Lejeune", 1), ("Gilbert", 1), ("Lamy", 1), ("Delaunay", 1), ("Pasquier", 1), ("Carlier", 1),
        ("Laporte", 1), ("Le Bihan", 1), ("Quéré", 1), ("Pineau", 2), ("Poitevin", 1), ("Texier", 2),
        ("Fradin", 1), ("Guérineau", 1), ("Bonneau", 1), ("Naudin", 1), ("Nguyen", 2), ("Tran", 1),
        ("Diallo", 2), ("N'Diaye", 1), ("Traoré", 1), ("Camara", 1), ("Benali", 1), ("Haddad", 1),
        ("Belkacem", 1), ("Cissé", 1), ("Koné", 1), ("Dos Santos", 1), ("Ferreira", 1), ("Pereira", 1),
        ("Rodrigues", 1), ("Gonçalves", 1), ("D'Alembert", 1), ("De La Fontaine", 1), ("Saint-Exupéry", 1),
        ("de Villiers", 1), ("D'Almeida", 1), ("Lecœur", 1), ("Œuvrard", 1), ("Cœurdevey", 1),
        ("Dubois-Martin", 1), ("Le Floc'h", 1), ("O'Neill", 1), ("Desbordes-Valmore", 1), ("Bœuf", 1),
    ])

    /// The spelling a careless keying gives: accents dropped (`Hélène` → `Helene`). Ligatures and
    /// other letters are kept, only the accented vowels and ç are flattened.
    static func withoutAccents(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            out.append(Unicode.Scalar(plain(u.value)) ?? u)
        }
        return String(out)
    }

    /// The base letter of the accented Latin-1 letters French uses, the scalar itself otherwise.
    private static func plain(_ v: UInt32) -> UInt32 {
        switch v {
        case 0xE0, 0xE2, 0xE4: 0x61 // à â ä
        case 0xC0, 0xC2, 0xC4: 0x41
        case 0xE7: 0x63 // ç
        case 0xC7: 0x43
        case 0xE8...0xEB: 0x65 // è é ê ë
        case 0xC8...0xCB: 0x45
        case 0xEE, 0xEF: 0x69 // î ï
        case 0xCE, 0xCF: 0x49
        case 0xF4, 0xF6: 0x6F // ô ö
        case 0xD4, 0xD6: 0x4F
        case 0xF9, 0xFB, 0xFC: 0x75 // ù û ü
        case 0xD9, 0xDB, 0xDC: 0x55
        default: v
        }
    }

    /// Lower-case ASCII letters only, for e-mail addresses: `Lecœur` → `lecoeur`, `D'Alembert` → `dalembert`.
    static func emailKey(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            var v = plain(u.value)
            if v >= 0x41 && v <= 0x5A { v += 0x20 }
            switch v {
            case 0x61...0x7A, 0x30...0x39: out.append(Unicode.Scalar(v)!)
            case 0x153, 0x152: out.append(contentsOf: "oe".unicodeScalars) // œ Œ
            case 0xE6, 0xC6: out.append(contentsOf: "ae".unicodeScalars) // æ Æ
            case 0xF1, 0xD1: out.append("n") // ñ
            case 0xED, 0xEC, 0xCD: out.append("i") // í ì
            case 0xF3, 0xF2, 0xF5, 0xF8: out.append("o")
            case 0xE1, 0xE3, 0xE5, 0xC1: out.append("a")
            case 0xFA: out.append("u")
            case 0xFF, 0xFD, 0x178: out.append("y")
            default: break
            }
        }
        return String(out)
    }

    // MARK: Places (académie de Poitiers, département de la Vienne: UAIs start with 086)

    static let cities: [String] = [
        "Poitiers", "Châtellerault", "Buxerolles", "Chasseneuil-du-Poitou", "Jaunay-Marigny",
        "Neuville-de-Poitou", "Loudun", "Montmorillon", "Chauvigny", "Civray", "Lusignan", "Vivonne", "Vouillé",
        "Mirebeau", "Lencloître", "Naintré", "Dangé-Saint-Romain", "Saint-Gervais-les-Trois-Clochers", "Gençay",
        "L'Isle-Jourdain", "Availles-Limouzine", "Couhé", "Saint-Julien-l'Ars", "Ligugé", "Mignaloux-Beauvoir",
        "Saint-Benoît", "Migné-Auxances", "Vouneuil-sous-Biard", "Montamisé", "Lussac-les-Châteaux",
        "La Roche-Posay", "Pleumartin", "Saint-Savin", "Les Trois-Moutiers", "Monts-sur-Guesnes",
        "Scorbé-Clairvaux", "Smarves", "Quinçay", "Fontaine-le-Comte", "Saint-Georges-lès-Baillargeaux",
    ]

    static let patrons: [String] = [
        "Jean Moulin", "Victor Hugo", "Jules Verne", "Camille Claudel", "George Sand", "Marie Curie",
        "Jean Rostand", "Pierre Mendès France", "Jacques Prévert", "Simone Veil", "Joachim du Bellay",
        "René Descartes", "Théophraste Renaudot", "France Bloch-Sérazin", "Lucie Aubrac", "Henri IV",
        "Pierre de Ronsard", "Antoine de Saint-Exupéry", "Gérard Philipe", "Jules Ferry", "Aliénor d'Aquitaine",
        "Romain Rolland", "François Rabelais", "Arthur Rimbaud", "Louise Michel", "Joséphine Baker",
        "Maurice Fombeure", "Camille Guérin", "Jean Macé", "Germaine Tillion", "Paul Éluard", "Françoise Dolto",
        "Léo Lagrange", "Albert Camus", "Olympe de Gouges", "Condorcet", "Anatole France", "Marguerite Duras",
        "Jean de La Fontaine", "Émile Zola", "Guillaume Apollinaire", "Gisèle Halimi", "Rosa Parks",
        "Jean Zay", "Henri Matisse", "Claude Debussy", "Édith Piaf", "Pierre et Marie Curie",
    ]

    static let primaryNames: [String] = [
        "Les Tilleuls", "Jules Ferry", "Paul Bert", "Le Petit Prince", "Les Sablons", "Jacques Brel",
        "Les Castors", "Pablo Picasso", "Andersen", "Les Hauts-de-Sèvre", "Charles Perrault", "Freinet",
    ]

    /// Birth places: (CODE_PAYS, CODE_DEPARTEMENT_NAISS, CODE_COMMUNE_INSEE_NAISS, VILLE_NAISS).
    static let birthPlaces: [(pays: String, dept: String?, insee: String?, ville: String?)] = [
        ("100", "086", "86194", nil), ("100", "086", "86066", nil), ("100", "086", "86041", nil),
        ("100", "086", "86137", nil), ("100", "086", "86165", nil), ("100", "086", "86070", nil),
        ("100", "079", "79191", nil), ("100", "037", "37261", nil), ("100", "075", "75056", nil),
        ("100", "033", "33063", nil), ("100", "016", "16015", nil), ("100", "087", "87085", nil),
        ("139", nil, nil, "PORTO"), ("350", nil, nil, "CASABLANCA"), ("352", nil, nil, "ORAN"),
        ("341", nil, nil, "DAKAR"), ("132", nil, nil, "LONDRES"), ("109", nil, nil, "FRIBOURG-EN-BRISGAU"),
    ]

    static let emailDomains = ["example.org", "example.net", "example.com"]
}

// MARK: Levels, MEFs, subjects

/// The four collège levels, 6e first.
enum Level {
    static let count = 4
    /// `CODE_MEF` per level (6e, 5e, 4e, 3e).
    static let mef = ["10010012110", "10110001110", "10210001110", "10310019110"]
    static let mefLabel = ["6EME", "5EME", "4EME", "3EME"]
    /// The digit division and group codes start with.
    static let digit = ["6", "5", "4", "3"]

    static func index(ofMEF code: String) -> Int? { mef.firstIndex(of: code) }
}

/// A subject of STS-Web's national nomenclature.
struct Subject: Sendable {
    let code: String
    let management: String
    let short: String
    let long: String
    let pool: Pool
}

/// The teachers who can teach a subject: one pool per discipline.
enum Pool: Int, CaseIterable, Sendable {
    case french, maths, history, english, german, spanish, biology, physics, technology, sport, arts, music

    /// The STS-Web discipline (`DISCIPLINE@CODE`, `LIBELLE_COURT`).
    var discipline: (code: String, label: String) {
        switch self {
        case .french: ("L0202", "LETTRES MODERNES")
        case .maths: ("L1300", "MATHEMATIQUES")
        case .history: ("L1000", "HISTOIRE GEOGRAPHIE")
        case .english: ("L0422", "ANGLAIS")
        case .german: ("L0421", "ALLEMAND")
        case .spanish: ("L0426", "ESPAGNOL")
        case .biology: ("L1600", "SCIENCES VIE ET TERRE")
        case .physics: ("L1500", "SCIENCES PHYSIQUES")
        case .technology: ("L1400", "TECHNOLOGIE")
        case .sport: ("L1900", "EDUCATION PHYSIQUE ET SPORTIVE")
        case .arts: ("L1800", "ARTS PLASTIQUES")
        case .music: ("L1700", "EDUCATION MUSICALE")
        }
    }
}

enum Subjects {
    static let french = Subject(code: "020100", management: "FRANC", short: "FRANCAIS", long: "FRANCAIS", pool: .french)
    static let maths = Subject(code: "061300", management: "MATHS", short: "MATHEMATIQUES", long: "MATHEMATIQUES", pool: .maths)
    static let history = Subject(code: "040600", management: "HIGEO", short: "HISTOIRE-GEOGRAPHIE",
                                 long: "HISTOIRE-GEOGRAPHIE & ENS. MORAL ET CIVIQUE", pool: .history)
    static let english = Subject(code: "030201", management: "AGL1", short: "ANGLAIS LV1", long: "ANGLAIS LV1", pool: .english)
    static let german1 = Subject(code: "030101", management: "ALL1", short: "ALLEMAND LV1", long: "ALLEMAND LV1", pool: .german)
    static let german2 = Subject(code: "030102", management: "ALL2", short: "ALLEMAND LV2", long: "ALLEMAND LV2", pool: .german)
    static let spanish2 = Subject(code: "030602", management: "ESP2", short: "ESPAGNOL LV2", long: "ESPAGNOL LV2", pool: .spanish)
    static let biology = Subject(code: "062900", management: "SVT", short: "SCIENCES VIE & TERRE",
                                 long: "SCIENCES DE LA VIE ET DE LA TERRE", pool: .biology)
    static let physics = Subject(code: "062400", management: "PH-CH", short: "PHYSIQUE-CHIMIE", long: "PHYSIQUE-CHIMIE", pool: .physics)
    static let technology = Subject(code: "070200", management: "TECHN", short: "TECHNOLOGIE", long: "TECHNOLOGIE", pool: .technology)
    static let sport = Subject(code: "100100", management: "EPS", short: "EDUCATION PHYS. & SPORT.",
                               long: "EDUCATION PHYSIQUE ET SPORTIVE", pool: .sport)
    static let arts = Subject(code: "090100", management: "A-PLA", short: "ARTS PLASTIQUES", long: "ARTS PLASTIQUES", pool: .arts)
    static let music = Subject(code: "080100", management: "EDMUS", short: "EDUCATION MUSICALE", long: "EDUCATION MUSICALE", pool: .music)
    static let latin = Subject(code: "022000", management: "LCALA", short: "LATIN (LCA)",
                               long: "LANGUES ET CULTURES DE L'ANTIQUITE : LATIN", pool: .french)

    /// The nomenclature as STS-Web lists it, by code.
    static let all: [Subject] = [french, latin, german1, german2, english, spanish2, history, maths, physics,
                                 biology, technology, music, arts, sport].sorted { $0.code < $1.code }

    /// Taught to every division (`SERVICE` of the `DIVISION`).
    static let core: [Subject] = [french, maths, history, english, biology, physics, technology, sport, arts, music]

    /// Weekly hours of a core subject at a level (6e, 5e, 4e, 3e), to size the teaching staff.
    static func hours(_ s: Subject, level: Int) -> Double {
        switch s.code {
        case french.code: [4.5, 4.5, 4.5, 4][level]
        case maths.code: [4.5, 3.5, 3.5, 3.5][level]
        case history.code: [3, 3, 3, 3.5][level]
        case english.code: [4, 3, 3, 3][level]
        case sport.code: [4, 3, 3, 3][level]
        case german1.code: 3
        case german2.code, spanish2.code: 2.5
        case latin.code: level == 1 ? 1 : 2
        default: 1.5
        }
    }
}
