// layout_check.js - injected by tests/integration/418_report_layout.sh into
// a copy of a report page, run by headless Chromium (--dump-dom): writes
// into <pre id="layout-check"> every layout fault it finds, or "OK":
//  - a table wider than the page (its right edge beyond the viewport: cut
//    off, or reachable only by scrolling a .scroll box);
//  - an SVG text clipped at the left or right edge of its chart;
//  - a value label of a line chart lying on one of the chart's lines.
window.addEventListener('load', function () {
	var out = [], vw = document.documentElement.clientWidth;
	document.querySelectorAll('table').forEach(function (t) {
		var r = t.getBoundingClientRect();
		if (r.width > 0 && r.right > vw + 0.5)
			out.push('table wider than the page: "' +
				(t.caption ? t.caption.textContent.trim().slice(0, 60) : '?') +
				'" right ' + Math.round(r.right) + ' > ' + vw);
	});
	document.querySelectorAll('svg').forEach(function (svg) {
		var box = svg.getBoundingClientRect();
		svg.querySelectorAll('text').forEach(function (tx) {
			var r = tx.getBoundingClientRect();
			if (r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5))
				out.push('chart text clipped: "' + tx.textContent.trim().slice(0, 40) + '"');
		});
		var lines = svg.querySelectorAll('polyline');
		svg.querySelectorAll('text.value').forEach(function (tx) {
			var b = tx.getBBox();
			lines.forEach(function (pl) {
				for (var i = 1; i < 8; i++)
					for (var j = 1; j < 4; j++) {
						var p = svg.createSVGPoint();
						p.x = b.x + b.width * i / 8;
						p.y = b.y + b.height * j / 4;
						if (pl.isPointInStroke(p)) {
							out.push('label "' + tx.textContent.trim() + '" lies on a line');
							return;
						}
					}
			});
		});
	});
	var pre = document.createElement('pre');
	pre.id = 'layout-check';
	pre.textContent = out.length ? out.join('\n') : 'OK';
	document.body.appendChild(pre);
});
