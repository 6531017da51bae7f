// Live alerts: rows arrive over server-sent events (/alerts/live) and are added or updated in place, within the
// page's severity and status filter. Text only (textContent), never HTML from the feed.
(function () {
  const table = document.getElementById('alerts');
  if (!table || !window.EventSource) return;
  const body = table.tBodies[0];
  const minSeverity = Number(table.dataset.severity);
  const status = table.dataset.status;
  const state = document.getElementById('live-state');
  const empty = document.getElementById('alerts-empty');
  const wanted = a => a.severityRank >= minSeverity &&
    (status === 'all' || (status === 'open' ? a.status !== 'resolved' : a.status === status));

  function cell(row, text, cls) { const td = row.insertCell(); td.textContent = text; if (cls) td.className = cls; return td; }

  function show(a) {
    let row = body.querySelector('tr[data-id="' + CSS.escape(a.id) + '"]');
    if (!wanted(a)) { if (row) row.remove(); return; }
    const fresh = !row;
    if (fresh) { row = document.createElement('tr'); row.dataset.id = a.id; } else { row.replaceChildren(); }
    const time = document.createElement('time');
    time.dateTime = a.created; time.textContent = a.created.replace('T', ' ').slice(0, 19) + ' UTC';
    row.insertCell().append(time);
    cell(row, a.severity, 'sev sev-' + a.severity);
    cell(row, a.status, 'status-' + a.status);
    cell(row, a.subject);
    const link = document.createElement('a'); link.href = '/alerts/' + encodeURIComponent(a.id); link.textContent = a.title;
    row.insertCell().append(link);
    cell(row, String(a.count));
    if (fresh) { body.prepend(row); state.textContent = 'New ' + a.severity + ' alert: ' + a.title; }
    if (empty) empty.hidden = true;
  }

  const source = new EventSource('/alerts/live');
  source.addEventListener('alert', e => show(JSON.parse(e.data)));
  source.onopen = () => { state.textContent = 'Live: new alerts appear here as they are raised.'; state.dataset.live = 'yes'; };
  source.onerror = () => { state.textContent = 'Live updates paused (reconnecting…). Reload to be sure the list is complete.'; state.dataset.live = 'no'; };
})();
