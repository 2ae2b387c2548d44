/* Material for MkDocs 9.8.1, partials/javascripts/base.html (MIT licence, Martin Donath), as a
   file of the site instead of an inline script, so that the Content-Security-Policy allows no
   inline script: the scope the template wrote into the code comes from the script element's
   data-md-scope attribute. tests/test_security.py checks the partial it replaces is unchanged. */
__md_scope = new URL(document.currentScript.getAttribute("data-md-scope"), location),
__md_hash = e => [...e].reduce(((e, _) => (e << 5) - e + _.charCodeAt(0)), 0),
__md_get = (e, _ = localStorage, t = __md_scope) => JSON.parse(_.getItem(t.pathname + "." + e)),
__md_set = (e, _, t = localStorage, a = __md_scope) => { try { t.setItem(a.pathname + "." + e, JSON.stringify(_)) } catch (e) {} };
