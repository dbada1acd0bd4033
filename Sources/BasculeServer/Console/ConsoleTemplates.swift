/// The console's pages as Mustache templates. Every `{{value}}` is HTML-escaped by
/// swift-mustache; the only triple mustache is the layout's `{{{corps}}}`, which is a page these
/// templates rendered themselves (a test checks that no other template holds one).
enum ConsoleTemplates {
    static let all: [String: String] = [
        "layout": layout, "connexion": login, "tableau": dashboard, "departement": department, "mot-de-passe": password,
        "imports": imports, "plan": plan, "applique": applied, "fermeture": closure, "autorisations": rights,
        "classes": classes, "comptes": accounts, "reinitialise": reset, "erreur": error,
        "fiches": sheets, "departs": departures, "verification": verification, "espaces": spaces, "compte": account,
    ]

    static let layout = """
    <!doctype html>
    <html lang="fr">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{titre}} — Bascule</title>
    <style>
    :root { color-scheme: light; --texte: #1b1b1b; --lien: #0a4a85; --fond: #ffffff; --bord: #6b6b6b; --doux: #f2f4f7; --alerte: #8a1c1c; --ok: #1d5e2f; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 1.05rem/1.5 system-ui, "Segoe UI", Roboto, sans-serif; color: var(--texte); background: var(--fond); }
    a { color: var(--lien); }
    a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus { outline: 3px solid #e0a800; outline-offset: 2px; }
    .evitement { position: absolute; left: -999px; } .evitement:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 9; }
    header { background: #10325a; color: #fff; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; }
    header a { color: #fff; } header .marque { font-weight: 700; font-size: 1.2rem; margin: 0; }
    nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0; padding: 0; }
    nav a[aria-current] { font-weight: 700; text-decoration-thickness: 3px; }
    .deconnexion { margin-left: auto; display: flex; gap: .5rem; align-items: center; }
    main { max-width: 62rem; margin: 0 auto; padding: 1rem; }
    label { display: block; font-weight: 600; margin-top: .5rem; }
    input[type=text], input[type=password], input:not([type]), select, textarea { font: inherit; padding: .45rem; border: 2px solid var(--bord); border-radius: 4px; width: 100%; max-width: 28rem; }
    button { font: inherit; padding: .5rem 1rem; border: 2px solid #10325a; background: #10325a; color: #fff; border-radius: 4px; cursor: pointer; min-height: 2.75rem; }
    button.secondaire { background: #fff; color: #10325a; }
    .aide { display: block; color: #3d3d3d; font-size: .95rem; }
    .message { border-left: 6px solid var(--ok); background: #e9f5ec; padding: .75rem; }
    .erreur { border-left: 6px solid var(--alerte); background: #fbeaea; padding: .75rem; }
    .carte { background: var(--doux); padding: 1rem; border-radius: 6px; margin: 1rem 0; }
    .tableau { overflow-x: auto; }
    table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
    caption { text-align: left; font-weight: 700; padding: .25rem 0; }
    th, td { border: 1px solid #b5b5b5; padding: .35rem .5rem; text-align: left; vertical-align: top; }
    th { background: var(--doux); }
    .frise { position: relative; background: var(--doux); border: 1px solid var(--bord); margin: 1rem 0 .25rem; }
    .frise .periode { position: absolute; height: 1.7rem; background: #9cb8d9; border: 1px solid #10325a; overflow: hidden;
      font-size: .8rem; line-height: 1.5rem; text-align: center; color: #10325a; }
    .etapes .sans-numero { list-style: none; }
    .frise .aujourdhui { position: absolute; top: -.4rem; bottom: -.4rem; width: 4px; background: var(--alerte); }
    ol.etapes li { margin: .25rem 0; } ol.etapes .en-cours { font-weight: 700; } ol.etapes .passee { color: #4a4a4a; }
    .etat { font-weight: 700; } .etat-ok { color: var(--ok); } .etat-non { color: var(--alerte); }
    progress { width: 100%; height: 1.5rem; }
    .provisoire { font: 1.6rem/1.4 ui-monospace, monospace; letter-spacing: .1em; background: #fff8d6; padding: .25rem .5rem; border: 2px dashed #7a5b00; }
    dt { font-weight: 700; } dd { margin: 0 0 .5rem 1rem; }
    .fiche { border: 2px solid #000; padding: 1rem; margin: 1rem 0; max-width: 30rem; }
    @media print { header, nav, form, .sans-impression { display: none !important; } main { max-width: none; } }
    </style>
    </head>
    <body>
    <a class="evitement" href="#contenu">Aller au contenu</a>
    <header>
    <p class="marque"><a href="/console">Bascule</a></p>
    {{#moi}}
    <nav aria-label="Menu principal"><ul>{{#menu}}<li><a href="{{lien}}"{{#actif}} aria-current="page"{{/actif}}>{{libelle}}</a></li>{{/menu}}</ul></nav>
    <form method="post" action="/console/deconnexion" class="deconnexion">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <span>{{nom}}{{#uai}} · {{uai}}{{/uai}}</span>
    <button type="submit" class="secondaire">Se déconnecter</button>
    </form>
    {{/moi}}
    </header>
    <main id="contenu">
    <h1>{{titre}}</h1>
    {{#message}}<p class="message" role="status">{{message}}</p>{{/message}}
    {{#erreur}}<p class="erreur" role="alert">{{erreur}}</p>{{/erreur}}
    {{{corps}}}
    </main>
    <script>
    document.querySelectorAll('[data-imprimer]').forEach(function (b) { b.addEventListener('click', function () { window.print(); }); });
    </script>
    </body>
    </html>
    """

    static let login = """
    <form method="post" action="/console/connexion" class="carte">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="identifiant">Identifiant</label>
    <input id="identifiant" name="identifiant" type="text" autocomplete="username" required value="{{identifiant}}">
    <label for="motDePasse">Mot de passe</label>
    <input id="motDePasse" name="motDePasse" type="password" autocomplete="current-password" required>
    <label for="etablissement">Établissement (UAI)</label>
    <input id="etablissement" name="etablissement" type="text" value="{{etablissement}}" aria-describedby="aide-uai">
    <span id="aide-uai" class="aide">Par exemple 0860001X ; laissez vide si vous êtes administrateur du département.</span>
    <p><button type="submit">Se connecter</button></p>
    </form>
    """

    static let dashboard = """
    <section aria-labelledby="t-calendrier">
    <h2 id="t-calendrier">Calendrier de la bascule {{annee}}</h2>
    {{#frise}}
    <div class="frise" style="height: {{hauteur}}rem" role="img" aria-label="Frise du {{debut}} au {{fin}} ; aujourd'hui, {{aujourdhui}}, est marqué en rouge ; chaque période porte son numéro dans la liste">
    {{#periodes}}<span class="periode" style="left: {{gauche}}%; width: {{largeur}}%; top: {{haut}}rem" title="{{numero}}. {{libelle}}">{{numero}}</span>{{/periodes}}
    <span class="aujourdhui" id="aujourdhui" style="left: {{position}}%"></span>
    </div>
    <p class="aide">Du {{debut}} au {{fin}} ; le trait rouge marque aujourd'hui ({{aujourdhui}}) ; chaque barre porte le numéro de sa période dans la liste.</p>
    {{/frise}}
    <ol class="etapes">
    {{#etapes}}<li class="{{classe}}{{#aujourdhui}} sans-numero{{/aujourdhui}}"{{^aujourdhui}} value="{{numero}}"{{/aujourdhui}}>{{#aujourdhui}}<strong>Aujourd'hui, {{jour}}</strong>{{/aujourdhui}}{{^aujourdhui}}<span class="etat">{{quand}}</span> — {{libelle}} <span class="aide">({{etat}})</span>{{/aujourdhui}}</li>{{/etapes}}
    </ol>
    {{^etapes}}<p>Aucun calendrier pour cette année.</p>{{/etapes}}
    </section>
    {{#avecAcces}}<section aria-labelledby="t-acces"><h2 id="t-acces">Accès à l'ENT aujourd'hui</h2><ul>{{#acces}}<li>{{profil}} : <span class="etat {{#ouvert}}etat-ok{{/ouvert}}{{^ouvert}}etat-non{{/ouvert}}">{{#ouvert}}ouvert{{/ouvert}}{{^ouvert}}fermé{{/ouvert}}</span> — {{motif}}</li>{{/acces}}</ul></section>{{/avecAcces}}
    {{#voitTaches}}
    <section aria-labelledby="t-taches">
    <h2 id="t-taches">Ce qui vous attend</h2>
    {{#avecTaches}}<ul>{{#taches}}<li><strong>{{genre}}</strong> (n° {{id}}, depuis le {{depuis}}) : {{motif}}
    {{#confirmable}}<form method="post" action="/console/etablissements/{{uai}}/taches/{{id}}/confirmation" class="carte" id="confirmer-{{id}}">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="raison-{{id}}">Raison de la confirmation (la prochaine exécution applique ce plan s'il n'a pas changé)</label>
    <input id="raison-{{id}}" name="raison" type="text" required maxlength="500">
    <p><button type="submit">Confirmer ce plan retenu</button></p>
    </form>{{/confirmable}}</li>{{/taches}}</ul>{{/avecTaches}}
    {{^taches}}<p>Aucune tâche ne vous attend.</p>{{/taches}}
    </section>
    {{/voitTaches}}
    {{#voitExecutions}}
    <section aria-labelledby="t-executions">
    <h2 id="t-executions">Dernières exécutions quotidiennes</h2>
    {{#avecExecutions}}<div class="tableau"><table><caption>Les 7 dernières journées</caption><thead><tr><th scope="col">Jour</th><th scope="col">État</th><th scope="col">Fin</th></tr></thead><tbody>
    {{#executions}}<tr><td>{{jour}}</td><td>{{etat}}</td><td>{{fin}}</td></tr>{{/executions}}
    </tbody></table></div>{{/avecExecutions}}
    {{^executions}}<p>Aucune exécution quotidienne enregistrée.</p>{{/executions}}
    </section>
    {{/voitExecutions}}
    """

    static let department = """
    <form method="get" action="/console/departement" class="carte">
    <label for="etat">Montrer les établissements</label>
    <select id="etat" name="etat">{{#filtres}}<option value="{{valeur}}"{{#choisi}} selected{{/choisi}}>{{libelle}}</option>{{/filtres}}</select>
    <p><button type="submit">Filtrer</button></p>
    </form>
    <div class="tableau"><table id="etablissements">
    <caption>{{nombre}} établissement(s)</caption>
    <thead><tr><th scope="col">Établissement</th><th scope="col">État</th><th scope="col">Tâches ouvertes</th><th scope="col">Dernière exécution</th></tr></thead>
    <tbody>
    {{#ecoles}}<tr><th scope="row"><a href="/console/etablissements/{{uai}}">{{uai}}</a></th><td>{{#retenu}}<strong class="etat-non">Plan retenu</strong> : {{retenu}}{{/retenu}}{{^retenu}}{{etat}}{{/retenu}}</td><td>{{taches}}</td><td>{{derniere}}</td></tr>{{/ecoles}}
    </tbody></table></div>
    """

    static let password = """
    <form method="post" action="/console/mot-de-passe" class="carte" id="form-mot-de-passe">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="ancien">Mot de passe actuel</label>
    <input id="ancien" name="ancien" type="password" autocomplete="current-password" required>
    <label for="nouveau">Nouveau mot de passe</label>
    <input id="nouveau" name="nouveau" type="password" autocomplete="new-password" required aria-describedby="regles"
           data-identifiant="{{identifiant}}" data-prenom="{{prenom}}" data-nom="{{nom}}">
    <div id="regles" aria-live="polite">
    <p>La règle académique :</p>
    <ul>
    <li id="regle-longueur">au moins 12 caractères — <span class="etat">{{etatInconnu}}</span></li>
    <li id="regle-types">au moins 3 types parmi majuscule, minuscule, chiffre, caractère spécial — <span class="etat">{{etatInconnu}}</span></li>
    <li id="regle-identifiant">ne contient pas votre identifiant — <span class="etat">{{etatInconnu}}</span></li>
    <li id="regle-nom">ne contient ni votre prénom ni votre nom — <span class="etat">{{etatInconnu}}</span></li>
    </ul>
    <p class="aide">La règle est vérifiée de nouveau par le serveur.</p>
    </div>
    <p><button type="submit">Changer mon mot de passe</button></p>
    </form>
    <script>
    (function () {
      var champ = document.getElementById('nouveau');
      function marque(id, ok) {
        var e = document.querySelector('#' + id + ' .etat');
        e.textContent = ok ? 'respectée' : 'non respectée';
        e.className = 'etat ' + (ok ? 'etat-ok' : 'etat-non');
      }
      function contient(mdp, mot) { return mot && mot.length >= 3 && mdp.toLowerCase().indexOf(mot.toLowerCase()) >= 0; }
      function verifie() {
        var m = champ.value, types = 0;
        if (/[A-Z]/.test(m)) types++;
        if (/[a-z]/.test(m)) types++;
        if (/[0-9]/.test(m)) types++;
        if (/[^A-Za-z0-9]/.test(m)) types++;
        marque('regle-longueur', m.length >= 12);
        marque('regle-types', types >= 3);
        marque('regle-identifiant', m.length > 0 && !contient(m, champ.dataset.identifiant));
        marque('regle-nom', m.length > 0 && !contient(m, champ.dataset.prenom) && !contient(m, champ.dataset.nom));
      }
      champ.addEventListener('input', verifie);
    })();
    </script>
    """

    static let imports = """
    <form method="post" action="/console/etablissements/{{uai}}/imports" enctype="multipart/form-data" class="carte">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="fichier">Export SIECLE ou STS-Web (XML ou ZIP)</label>
    <input id="fichier" name="fichier" type="file" accept=".xml,.zip" required aria-describedby="aide-fichier">
    <span id="aide-fichier" class="aide">Au plus {{limite}} ; sa nature est lue dans son contenu, pas dans son nom.</span>
    <label for="mode">Que faire de l'export</label>
    <select id="mode" name="mode"><option value="import">L'importer maintenant</option><option value="depot">Le déposer pour l'exécution quotidienne</option></select>
    <p><button type="submit">Envoyer</button></p>
    </form>
    {{#resultat}}<section aria-labelledby="t-resultat"><h2 id="t-resultat">Export reçu</h2><p>{{resultat}}</p></section>{{/resultat}}
    <section aria-labelledby="t-historique">
    <h2 id="t-historique">Historique des imports</h2>
    {{#avecHistorique}}<div class="tableau"><table><caption>Du plus récent au plus ancien</caption>
    <thead><tr><th scope="col">Importé le</th><th scope="col">Nature</th><th scope="col">Fichier</th><th scope="col">Date de l'export</th><th scope="col">Enregistrements</th><th scope="col">Remarques</th></tr></thead><tbody>
    {{#historique}}<tr><td>{{le}}</td><td>{{nature}}</td><td>{{fichier}}</td><td>{{dateExport}}</td><td>{{nombre}}</td><td>{{#avecRemarques}}<ul>{{#remarques}}<li>{{.}}</li>{{/remarques}}</ul>{{/avecRemarques}}</td></tr>{{/historique}}
    </tbody></table></div>{{/avecHistorique}}
    {{^historique}}<p>Aucun import pour cet établissement.</p>{{/historique}}
    </section>
    """

    static let plan = """
    <p>Plan du {{date}} — empreinte <code id="empreinte">{{empreinte}}</code> — {{nombre}} action(s).</p>
    {{#differe}}<p class="erreur" role="alert">Différé : {{differe}}</p>{{/differe}}
    <form method="get" action="/console/etablissements/{{uai}}/plan" class="carte">
    <label for="cherche">Chercher (identifiant, nom, groupe)</label>
    <input id="cherche" name="q" type="text" value="{{q}}">
    <label for="genre">Nature des actions</label>
    <select id="genre" name="genre"><option value="">Toutes</option>{{#genres}}<option value="{{valeur}}"{{#choisi}} selected{{/choisi}}>{{libelle}}</option>{{/genres}}</select>
    <p><button type="submit" class="secondaire">Chercher</button></p>
    </form>
    {{#groupes}}
    <section aria-labelledby="t-{{genre}}">
    <h2 id="t-{{genre}}">{{libelle}} ({{nombre}})</h2>
    <div class="tableau"><table><caption>{{libelle}} {{tronque}}</caption><thead><tr><th scope="col">Qui ou quoi</th><th scope="col">Nom</th><th scope="col">Raison</th></tr></thead><tbody>
    {{#actions}}<tr><td>{{qui}}</td><td>{{nom}}</td><td>{{raison}}</td></tr>{{/actions}}
    </tbody></table></div>
    </section>
    {{/groupes}}
    {{^groupes}}<p>Rien à faire aujourd'hui.</p>{{/groupes}}
    {{#peutAppliquer}}
    <form method="post" action="/console/etablissements/{{uai}}/plan/appliquer" class="carte" id="appliquer">
    <h2>Appliquer ce plan</h2>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="empreinte" value="{{empreinte}}">
    <input type="hidden" name="date" value="{{date}}">
    {{#avecMasse}}
    <fieldset><legend>Changement de masse : confirmation exigée</legend>
    <ul>{{#masse}}<li>{{.}}</li>{{/masse}}</ul>
    <label><input type="checkbox" name="confirmerChangementDeMasse" value="true"> Je confirme ce changement de masse</label>
    <label for="raison">Raison (exigée avec la confirmation)</label>
    <textarea id="raison" name="raison" rows="2"></textarea>
    </fieldset>
    {{/avecMasse}}
    <p><button type="submit" id="bouton-appliquer">Appliquer le plan</button></p>
    <div id="suivi" hidden><label for="progression">Progression</label><progress id="progression" max="100" value="0"></progress><p id="etape" role="status" aria-live="polite"></p></div>
    </form>
    <script>
    (function () {
      var form = document.getElementById('appliquer');
      if (!window.fetch || !window.TextDecoder) return;
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        var barre = document.getElementById('progression'), etape = document.getElementById('etape');
        document.getElementById('suivi').hidden = false;
        document.getElementById('bouton-appliquer').disabled = true;
        var corps = new URLSearchParams(new FormData(form));
        corps.append('flux', '1');
        fetch(form.action, { method: 'POST', body: corps, headers: { 'Accept': 'text/event-stream' } }).then(function (r) {
          var lecteur = r.body.getReader(), decodeur = new TextDecoder(), reste = '';
          function lit() {
            return lecteur.read().then(function (x) {
              if (x.done) return;
              reste += decodeur.decode(x.value, { stream: true });
              var blocs = reste.split('\\n\\n'); reste = blocs.pop();
              blocs.forEach(function (bloc) {
                var type = 'message', donnees = '';
                bloc.split('\\n').forEach(function (l) {
                  if (l.indexOf('event: ') === 0) type = l.slice(7);
                  if (l.indexOf('data: ') === 0) donnees += l.slice(6);
                });
                var d = JSON.parse(donnees);
                if (d.pourcent !== undefined) barre.value = d.pourcent;
                etape.textContent = d.etape;
                if (type === 'erreur') { etape.className = 'erreur'; document.getElementById('bouton-appliquer').disabled = false; }
                if (type === 'fin') { etape.className = 'message'; }
              });
              return lit();
            });
          }
          return lit();
        }).catch(function () { etape.textContent = 'La connexion au service a été perdue : rechargez la page.'; });
      });
    })();
    </script>
    {{/peutAppliquer}}
    """

    static let applied = """
    <p>Empreinte <code>{{empreinte}}</code> : {{actions}} action(s) appliquée(s).</p>
    {{#avecCibles}}<ul>{{#cibles}}<li>{{.}}</li>{{/cibles}}</ul>{{/avecCibles}}
    <p><a href="/console/etablissements/{{uai}}/plan">Revenir au plan</a></p>
    """

    static let closure = """
    {{#fermetures}}
    <section class="carte" aria-labelledby="t-{{id}}">
    <h2 id="t-{{id}}">{{libelle}}</h2>
    <p>{{fenetre}}</p>
    <form method="post" action="/console/etablissements/{{uai}}/fermeture">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="entree" value="{{id}}">
    <fieldset><legend>Ouvrir l'ENT dès aujourd'hui pour</legend>
    {{#profils}}<label><input type="checkbox" name="profils[]" value="{{valeur}}" id="profil-{{valeur}}"{{#leve}} disabled{{/leve}}> {{libelle}}{{#leve}} — déjà levée le {{depuis}} par {{par}}{{/leve}}</label>{{/profils}}
    </fieldset>
    <p><button type="submit">Lever la fermeture pour ces profils</button></p>
    </form>
    </section>
    {{/fermetures}}
    {{^fermetures}}<p>Le calendrier ne prévoit aucune fermeture de rentrée que la direction puisse lever.</p>{{/fermetures}}
    """

    static let rights = """
    {{#rappel}}<p class="erreur" role="note"><strong>Rentrée :</strong> {{rappel}}</p>{{/rappel}}
    <div class="tableau"><table id="titulaires"><caption>Droits délégués</caption>
    <thead><tr><th scope="col">Droit</th><th scope="col">Titulaire</th><th scope="col">État</th><th scope="col">Accordé par</th><th scope="col">Le</th>{{#peutDeleguer}}<th scope="col">Retirer</th>{{/peutDeleguer}}</tr></thead><tbody>
    {{#droits}}<tr{{#ancien}} class="ancien"{{/ancien}}><td>{{droit}}</td><td>{{identifiant}}</td><td>{{statut}}{{#ancien}} — <strong>à revoir (accordé avant cette rentrée)</strong>{{/ancien}}</td><td>{{par}}</td><td>{{le}}</td>{{#peutDeleguer}}<td><form method="post" action="/console/etablissements/{{uai}}/autorisations"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="droit" value="{{droit}}"><input type="hidden" name="identifiant" value="{{identifiant}}"><input type="hidden" name="action" value="retirer"><button type="submit" class="secondaire" aria-label="Retirer {{droit}} à {{identifiant}}">Retirer</button></form></td>{{/peutDeleguer}}</tr>{{/droits}}
    </tbody></table></div>
    {{^droits}}<p>Aucun droit délégué.</p>{{/droits}}
    {{#peutDeleguer}}
    <form method="post" action="/console/etablissements/{{uai}}/autorisations" class="carte" id="deleguer">
    <h2>Déléguer un droit</h2>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="action" value="accorder">
    <label for="droit">Droit</label>
    <select id="droit" name="droit">{{#choix}}<option value="{{valeur}}">{{libelle}}</option>{{/choix}}</select>
    <label for="identifiant">Personnel (identifiant)</label>
    <input id="identifiant" name="identifiant" type="text" required list="personnels">
    <datalist id="personnels">{{#personnels}}<option value="{{identifiant}}">{{nom}}</option>{{/personnels}}</datalist>
    <p><button type="submit">Déléguer</button></p>
    </form>
    {{/peutDeleguer}}
    """

    static let classes = """
    {{#classes}}
    <section aria-labelledby="t-classe-{{code}}">
    <h2 id="t-classe-{{code}}">{{code}}</h2>
    <p><a href="{{lienFiches}}">Imprimer les fiches de connexion de {{code}}</a></p>
    <div class="tableau"><table><caption>Élèves de {{code}}</caption><thead><tr><th scope="col">Nom</th><th scope="col">Prénom</th><th scope="col">Identifiant</th><th scope="col">Mot de passe</th></tr></thead><tbody>
    {{#eleves}}<tr><td>{{nom}}</td><td>{{prenom}}</td><td>{{identifiant}}</td><td><form method="post" action="/console/etablissements/{{uai}}/reinitialisation"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="identifiant" value="{{identifiant}}"><button type="submit" class="secondaire" aria-label="Réinitialiser le mot de passe de {{prenom}} {{nom}}">Réinitialiser</button></form></td></tr>{{/eleves}}
    </tbody></table></div>
    </section>
    {{/classes}}
    {{^classes}}<p>Aucun élève à qui vous enseignez.</p>{{/classes}}
    <form method="post" action="/console/etablissements/{{uai}}/reinitialisation" class="carte" id="autre-eleve">
    <h2>Un autre compte</h2>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="autre">Identifiant</label>
    <input id="autre" name="identifiant" type="text" required>
    <p><button type="submit">Réinitialiser son mot de passe</button></p>
    </form>
    """

    static let accounts = """
    <form method="get" action="/console/etablissements/{{uai}}/comptes" class="carte">
    <label for="q">Chercher un compte (identifiant, nom, classe)</label>
    <input id="q" name="q" type="text" value="{{q}}">
    <p><button type="submit">Chercher</button></p>
    </form>
    <div class="tableau"><table id="comptes"><caption>{{nombre}} compte(s){{#tronque}} — les 200 premiers{{/tronque}}</caption>
    <thead><tr><th scope="col">Identifiant</th><th scope="col">Nom</th><th scope="col">Prénom</th><th scope="col">Profil</th><th scope="col">Statut</th><th scope="col">Classes</th>{{#peutReinitialiser}}<th scope="col">Mot de passe</th>{{/peutReinitialiser}}</tr></thead><tbody>
    {{#comptes}}<tr><td><a href="/console/etablissements/{{uai}}/comptes/{{identifiant}}">{{identifiant}}</a></td><td>{{nom}}</td><td>{{prenom}}</td><td>{{profil}}</td><td>{{statut}}</td><td>{{classes}}</td>{{#peutReinitialiser}}<td><form method="post" action="/console/etablissements/{{uai}}/reinitialisation"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="identifiant" value="{{identifiant}}"><button type="submit" class="secondaire" aria-label="Réinitialiser le mot de passe de {{identifiant}}">Réinitialiser</button></form></td>{{/peutReinitialiser}}</tr>{{/comptes}}
    </tbody></table></div>
    """

    static let reset = """
    <div class="fiche" id="fiche">
    <h2>Fiche de connexion</h2>
    <p>{{prenom}} {{nom}}{{#classes}} — {{classes}}{{/classes}}</p>
    <p>Identifiant : <strong id="identifiant-fiche">{{identifiant}}</strong></p>
    <p>Mot de passe provisoire : <span class="provisoire" id="provisoire">{{provisoire}}</span></p>
    <p class="aide">À changer à la première connexion. Il n'est montré qu'une fois : imprimez cette fiche maintenant.</p>
    </div>
    <p class="aide">{{motif}}{{#annuaire}} — annuaire : {{annuaire}}{{/annuaire}}</p>
    <p class="sans-impression"><button type="button" data-imprimer>Imprimer la fiche</button> <a href="{{retour}}">Revenir</a></p>
    """

    static let error = """
    <p><a href="/console">Revenir au tableau de bord</a></p>
    """

    static let sheets = """
    <form method="get" action="/console/etablissements/{{uai}}/fiches" class="carte sans-impression">
    <label for="selection">Fiches de</label>
    <select id="selection" name="selection">{{#choix}}<option value="{{valeur}}"{{#choisi}} selected{{/choisi}}>{{libelle}}</option>{{/choix}}</select>
    <label for="depuis">Seulement les comptes créés depuis (les nouveaux ; facultatif)</label>
    <input id="depuis" name="depuis" type="date" value="{{depuis}}">
    <p><button type="submit">Afficher les fiches</button></p>
    </form>
    {{#choisie}}
    <p class="sans-impression">{{nombre}} fiche(s). <button type="button" data-imprimer>Imprimer</button></p>
    {{#fiches}}<div class="fiche"><h2>{{prenom}} {{nom}}</h2><p>{{classe}}</p><p>Identifiant : <strong>{{identifiant}}</strong> — ENT : <strong>{{identifiantENT}}</strong></p>
    {{#provisoire}}<p>Mot de passe provisoire : <span class="provisoire">{{provisoire}}</span> (à changer à la première connexion)</p>{{/provisoire}}
    {{^provisoire}}<p>Fiche déjà remise{{#remise}} le {{remise}}{{/remise}} : en cas de perte, réinitialiser le mot de passe.</p>{{/provisoire}}
    <p>ENT : {{ent}}</p></div>{{/fiches}}
    {{#aRemettre}}
    <form method="post" action="/console/etablissements/{{uai}}/fiches" class="carte sans-impression" id="remises">
    <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="selection" value="{{selection}}"><input type="hidden" name="depuis" value="{{depuis}}">
    <p>Une fois ces fiches distribuées, la copie des mots de passe provisoires est détruite : elles ne pourront plus être réimprimées, seulement réinitialisées.</p>
    <p><button type="submit">Marquer ces fiches comme remises</button></p>
    </form>
    {{/aRemettre}}
    {{/choisie}}
    """

    static let departures = """
    <p>{{calendrier}}</p>
    {{#avecPartants}}
    <form method="post" action="/console/etablissements/{{uai}}/departs" class="carte">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <fieldset><legend>Personnels partis ou partants</legend>
    {{#partants}}<label><input type="checkbox" name="identifiants[]" value="{{identifiant}}"{{#valide}} disabled{{/valide}}> {{nom}} ({{identifiant}}, {{statut}} depuis le {{depuis}}){{#valide}} — départ déjà validé{{/valide}}</label>{{/partants}}
    </fieldset>
    <p><button type="submit">Valider ces départs</button></p>
    </form>
    {{/avecPartants}}
    {{^partants}}<p>Aucun personnel parti ou partant.</p>{{/partants}}
    """

    static let verification = """
    <p>Vérification du {{date}} — {{annuaire}}.</p>
    <p>{{verifie}}</p>
    {{#avecNotes}}<ul>{{#notes}}<li>{{.}}</li>{{/notes}}</ul>{{/avecNotes}}
    {{^ecarts}}<p class="message">Aucun écart.</p>{{/ecarts}}
    {{#avecEcarts}}
    <div class="tableau"><table id="ecarts"><caption>{{nombre}} écart(s)</caption>
    <thead><tr><th scope="col">Gravité</th><th scope="col">Écart</th><th scope="col">Qui ou quoi</th><th scope="col">Constat</th><th scope="col">Correction</th></tr></thead><tbody>
    {{#ecarts}}<tr><td>{{gravite}}</td><td>{{titre}}</td><td>{{qui}}</td><td>{{constat}}{{#depuis}} (depuis {{depuis}}){{/depuis}}</td><td>{{correction}}{{#corrigeable}} <strong>(corrigé par la synchronisation ci-dessous)</strong>{{/corrigeable}}</td></tr>{{/ecarts}}
    </tbody></table></div>
    {{/avecEcarts}}
    {{#peutCorriger}}
    <form method="post" action="/console/etablissements/{{uai}}/verification/corriger" class="carte">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <p>Bascule peut corriger {{corrigeables}} écart(s) en remettant l'annuaire et les espaces en accord avec son magasin.</p>
    <p><button type="submit">Corriger en un clic</button></p>
    </form>
    {{/peutCorriger}}
    """

    static let spaces = """
    {{^configure}}<p>Aucun espace de fichiers n'est décrit dans bascule.yml (section « espaces ») : rien à mesurer.</p>{{/configure}}
    {{#configure}}
    <p>{{resume}}</p>
    <div class="tableau"><table id="espaces"><caption>Occupation des espaces</caption>
    <thead><tr><th scope="col">Espace</th><th scope="col">Nature</th><th scope="col">Occupé</th><th scope="col">Quota</th><th scope="col">État</th></tr></thead><tbody>
    {{#espaces}}<tr><td>{{chemin}}</td><td>{{nature}}</td><td>{{occupe}}</td><td>{{quota}}</td><td>{{#depasse}}<strong class="etat-non">au-dessus du quota</strong> {{/depasse}}{{etat}}</td></tr>{{/espaces}}
    </tbody></table></div>
    {{#avecRemarques}}<ul>{{#remarques}}<li>{{.}}</li>{{/remarques}}</ul>{{/avecRemarques}}
    {{/configure}}
    <h2>Nettoyages prévus par le calendrier</h2>
    {{#avecNettoyages}}<ul>{{#nettoyages}}<li>{{quand}} — {{libelle}}</li>{{/nettoyages}}</ul>{{/avecNettoyages}}
    {{^nettoyages}}<p>Aucun nettoyage prévu.</p>{{/nettoyages}}
    """

    static let account = """
    <dl class="carte" id="fiche-compte">
    <dt>Nom</dt><dd>{{prenom}} {{nom}}</dd>
    <dt>Profil</dt><dd>{{profil}}</dd>
    <dt>Statut</dt><dd>{{statut}} depuis le {{depuis}}{{#protege}} — <strong>protégé</strong> (aucun plan ne le désactive ni ne le supprime){{/protege}}</dd>
    <dt>Identifiant ENT</dt><dd>{{identifiantENT}}</dd>
    <dt>Classe et groupes</dt><dd>{{#avecStructures}}{{structures}}{{/avecStructures}}{{^structures}}—{{/structures}}</dd>
    <dt>Groupes de l'annuaire</dt><dd>{{#avecGroupes}}{{groupes}}{{/avecGroupes}}{{^groupes}}—{{/groupes}}</dd>
    </dl>
    {{#renommage}}
    <section class="carte" aria-labelledby="t-renommage" id="renommage">
    <h2 id="t-renommage">Changement d'identifiant proposé</h2>
    <p>{{raison}}</p>
    <form method="post" action="/console/etablissements/{{uai}}/comptes/{{identifiant}}/renommage">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <p><button type="submit" name="reponse" value="accepter">Accepter : {{nouveau}}</button> <button type="submit" name="reponse" value="refuser" class="secondaire">Refuser : garder {{identifiant}}</button></p>
    </form>
    </section>
    {{/renommage}}
    {{#peutReinitialiser}}
    <form method="post" action="/console/etablissements/{{uai}}/reinitialisation" class="carte">
    <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="identifiant" value="{{identifiant}}">
    <p><button type="submit">Réinitialiser son mot de passe</button></p>
    </form>
    {{/peutReinitialiser}}
    {{#peutProteger}}
    <form method="post" action="/console/etablissements/{{uai}}/comptes/{{identifiant}}/protection" class="carte" id="protection">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="proteger" value="{{#protege}}non{{/protege}}{{^protege}}oui{{/protege}}">
    <label for="raison">Raison</label>
    <input id="raison" name="raison" type="text" required>
    <p><button type="submit">{{#protege}}Lever la protection{{/protege}}{{^protege}}Protéger ce compte{{/protege}}</button></p>
    </form>
    {{/peutProteger}}
    <section aria-labelledby="t-historique">
    <h2 id="t-historique">Historique</h2>
    {{#avecHistorique}}<div class="tableau"><table><caption>Ce que le journal d'audit dit de ce compte</caption>
    <thead><tr><th scope="col">Quand</th><th scope="col">Par</th><th scope="col">Quoi</th></tr></thead><tbody>
    {{#historique}}<tr><td>{{le}}</td><td>{{par}}</td><td>{{quoi}}</td></tr>{{/historique}}
    </tbody></table></div>{{/avecHistorique}}
    {{^historique}}<p>Rien dans le journal d'audit.</p>{{/historique}}
    </section>
    """
}
