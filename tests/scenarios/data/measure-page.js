<script>
/*
 * Appended to a copy of a page by tests/scenarios/validate_html.sh: how
 * wide the page lays out in the window, with every <details> closed and
 * then open, into <pre id="measure"> for --dump-dom to print.
 */
(function () {
  function m(tag) {
    var w = document.documentElement.clientWidth, worst = 0, what = '';
    var all = document.body.getElementsByTagName('*');
    for (var i = 0; i < all.length; i++) {
      var r = all[i].getBoundingClientRect();
      if (r.width > 0 && r.right > worst) { worst = r.right; what = all[i].tagName; }
    }
    return tag + ' width=' + w + ' scroll=' + document.documentElement.scrollWidth +
      ' right=' + Math.ceil(worst) + ' widest=' + what;
  }
  var out = m('closed');
  var d = document.getElementsByTagName('details');
  for (var i = 0; i < d.length; i++) d[i].open = true;
  out += ' ; ' + m('open');
  var p = document.createElement('pre');
  p.id = 'measure';
  p.textContent = out;
  document.body.appendChild(p);
})();
</script>
