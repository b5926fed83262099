// The co-ordinator's dashboard. Plain browser JavaScript, no build step, no dependencies.
// Everything it shows comes from the gateway's GraphQL endpoint with the signed-in user's token,
// so it sees exactly what that user may see. Data is only ever written into the page as text
// (textContent, never innerHTML), so nothing a record contains can run as script.
'use strict';

(() => {
  const AREA = { DUNDEE: 'Dundee City', ANGUS: 'Angus', PERTH_AND_KINROSS: 'Perth & Kinross' };
  const STATUS = { COMPLIANT: 'Compliant', DUE_SOON: 'Due soon', OVERDUE: 'Overdue', BREACH: 'Breach' };
  const AGENCY = {
    POLICE: 'Police Scotland',
    DUNDEE: 'Dundee City CJSW',
    ANGUS: 'Angus CJSW',
    PERTH_AND_KINROSS: 'Perth & Kinross CJSW',
    SCOTTISH_PRISON_SERVICE: 'Scottish Prison Service',
    NHS_TAYSIDE: 'NHS Tayside',
    HOUSING: 'Housing',
    MAPPA_UNIT: 'MAPPA unit',
    OTHER: 'Other',
  };
  const CASE_TYPES = ['DundeeCase', 'AngusCase', 'PerthAndKinrossCase'];
  const TOKEN_KEY = 'mappa.dashboard.token';

  const state = { token: null, user: null, today: null, openedFrom: null };
  const $ = (id) => document.getElementById(id);

  // ---- Small DOM helpers: text only --------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  const clear = (node) => {
    while (node.firstChild) node.firstChild.remove();
    return node;
  };
  const area = (a) => AREA[a] || a || '—';
  const status = (s) => (s ? el('span', { class: `badge status-${s.toLowerCase()}` }, STATUS[s] || s) : el('span', { class: 'muted' }, 'not available'));
  const date = (d) => {
    if (!d) return '—';
    const [y, m, day] = d.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, day)).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  };
  const addDays = (d, n) => {
    const x = new Date(`${d}T00:00:00Z`);
    x.setUTCDate(x.getUTCDate() + n);
    return x.toISOString().slice(0, 10);
  };
  const personName = (o) => (o ? `${o.lastName}, ${o.firstName}` : 'Not visible to you');

  function say(message, kind) {
    const box = $('status');
    box.textContent = message || '';
    box.className = `status${kind ? ` ${kind}` : ''}`;
  }

  // ---- The API -------------------------------------------------------------------------------

  async function gql(query, variables) {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${state.token}`,
        'x-justification': $('justification').value.trim() || 'MAPPA co-ordination',
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json().catch(() => ({ errors: [{ message: 'The gateway did not answer with JSON.' }] }));
    if (res.status === 401) {
      signOut('Your sign-in has expired or was refused. Sign in again.');
      throw new Error('unauthenticated');
    }
    return { data: body.data || null, errors: body.errors || [] };
  }

  /** Errors worth telling the user, once each: refusals are expected and shown in place. */
  function reportErrors(errors, what) {
    const unexpected = errors.filter((e) => !['FORBIDDEN'].includes(e.extensions && e.extensions.code));
    if (unexpected.length) say(`${what}: ${[...new Set(unexpected.map((e) => e.message))].join(' ')}`, 'error');
  }

  // Review and audit due dates are part of the MAPPA summary: partners see that they are overdue, not their content.
  const caseFields = CASE_TYPES.map((t) => `... on ${t} { nextCaseReviewDue reviewOverdue nextFileAuditDue auditOverdue }`).join(' ');

  const listQuery = () => `query CoordinatorList($filter: CoordinatorListFilter) {
    coordinatorList(filter: $filter) {
      asOf
      entries {
        level since councilArea complianceStatus nextReviewDue reviewOverdue openActions overdueActions
        offender { id firstName lastName mappaLevel cases { __typename id authority status planReviewDate ${caseFields} } }
      }
    }
  }`;

  const OVERVIEW_QUERY = `query Overview($from: Date!, $to: Date!, $calendarFrom: Date!, $calendarTo: Date!) {
    complianceReport(from: $from, to: $to) { standardVersion overall { key total compliant dueSoon overdue breach complianceRate } byCouncil { key total compliant dueSoon overdue breach complianceRate } }
    mappaOpenActions(overdueOnly: true) { id description ownerName ownerAgency dueOn offender { id firstName lastName } }
    mappaMeetings(from: $calendarFrom, to: $calendarTo) { id level kind status scheduledOn heldOn people { offender { id firstName lastName } } }
    taysideImprovementActions { reference title description status progress { recordedOn note status } }
  }`;

  const PERSON_QUERY = `query Person($id: ID!) {
    offender(id: $id) {
      id firstName lastName dateOfBirth mappaCategory mappaLevel councilArea policeRiskLevel
      registration { registeredOn lastNotifiedOn indefinite notificationPeriodEnds }
      custody { fromOn establishment }
      wantedOrMissing
      areaCompliance { status reasons nextContactDue standardVersion }
      cases { __typename id authority status riskLevel mappaLevel planReviewDate compliance { status nextContactDue } ${caseFields} }
      mappaManagement { level since council lastMeetingOn nextReviewDue reviewOverdue nextMeetingOn }
      openActions { id description ownerName ownerAgency dueOn overdue }
      mappaReferrals { id referredOn referringAgency proposedLevel status firstMeetingDue firstMeetingOn firstMeetingLate }
      mappaMeetings { id level kind status scheduledOn heldOn }
    }
  }`;

  const meetingQuery = (withFullMinutes) => `query Meeting($id: ID!) {
    mappaMeeting(id: $id) {
      id level kind status scheduledOn heldOn chair nextReviewOn
      attendees { name agency role }
      minutes { executiveSummary ${withFullMinutes ? 'fullMinutes' : ''} recordedOn }
      people {
        offender { id firstName lastName councilArea registration { registeredOn }
          areaCompliance { status }
          cases { __typename authority status riskLevel planReviewDate compliance { status } }
          openActions { id description ownerAgency dueOn overdue } }
        decisions { kind levelTo note }
      }
      actions { id description ownerName ownerAgency dueOn completedOn overdue offender { id } }
    }
  }`;

  const ANNUAL_QUERY = `query Annual($year: Int!) {
    annualReturn(year: $year) { sogTable { label periodStart periodEnd notes rows {
      area population rsosAtLiberty rsosPer100k level1 level2 level3 notificationBreaches wanted missing
      sopos shpos civilOrderBreaches statutorySupervision recalls furtherSeriousOffences } } }
  }`;

  // ---- Sign-in -------------------------------------------------------------------------------

  function decodeUser(token) {
    try {
      const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      return { name: payload.name, org: payload.org, roles: payload.roles || [] };
    } catch {
      return null;
    }
  }

  async function offerDemoIdentities() {
    try {
      const res = await fetch('/demo/identities');
      if (!res.ok) return;
      const identities = await res.json();
      const select = $('identity');
      for (const i of identities) select.append(el('option', { value: i.key }, `${i.name} (${i.org.replace(/_/g, ' ').toLowerCase()})`));
      $('demo-sign-in').hidden = false;
      $('token-sign-in').hidden = true;
    } catch {
      // No demo mode: the token field stays.
    }
  }

  async function signIn(event) {
    event.preventDefault();
    let token = null;
    if (!$('demo-sign-in').hidden) {
      const res = await fetch(`/demo/token?identity=${encodeURIComponent($('identity').value)}`);
      if (res.ok) token = (await res.json()).token;
    } else token = $('token').value.trim();
    if (!token || !decodeUser(token)) return say('That sign-in did not work.', 'error');
    $('token').value = '';
    start(token);
  }

  function start(token) {
    state.token = token;
    state.user = decodeUser(token);
    sessionStorage.setItem(TOKEN_KEY, token);
    $('who-name').textContent = state.user.name;
    $('who-role').textContent = `(${state.user.roles.map((r) => r.replace(/_/g, ' ').toLowerCase()).join(', ')})`;
    $('who').hidden = false;
    $('sign-in').hidden = true;
    $('signed-out-note').hidden = true;
    $('content').hidden = false;
    say('Loading…');
    loadAll().catch((error) => {
      if (error.message !== 'unauthenticated') say(`Could not load the dashboard: ${error.message}`, 'error');
    });
  }

  function signOut(message) {
    state.token = null;
    state.user = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $('who').hidden = true;
    $('sign-in').hidden = false;
    $('signed-out-note').hidden = false;
    $('content').hidden = true;
    closeDetail();
    say(message || 'Signed out.');
  }

  // ---- Level 2/3 list ------------------------------------------------------------------------

  function filterValues() {
    const filter = {};
    if ($('filter-council').value) filter.council = $('filter-council').value;
    if ($('filter-level').value) filter.level = Number($('filter-level').value);
    if ($('filter-status').value) filter.complianceStatus = $('filter-status').value;
    return filter;
  }

  async function loadList() {
    return renderList(await gql(listQuery(), { filter: filterValues() }));
  }

  function renderList({ data, errors }) {
    const list = data && data.coordinatorList;
    const body = clear(document.querySelector('#list-table tbody'));
    if (!list) {
      $('list-summary').textContent = errors.some((e) => e.extensions && e.extensions.code === 'FORBIDDEN')
        ? 'The consolidated list is for the MAPPA unit and police offender managers.'
        : 'The list could not be loaded.';
      reportErrors(errors, 'Level 2 and 3 list');
      return null;
    }
    state.today = list.asOf;
    const entries = list.entries;
    const filtered = Object.keys(filterValues()).length > 0;
    $('list-summary').textContent = `${entries.length} ${entries.length === 1 ? 'person' : 'people'}${filtered ? ' match the filters' : ' at Level 2 or 3'} on ${date(list.asOf)}.`;
    for (const e of entries) {
      const o = e.offender;
      body.append(
        el(
          'tr',
          { 'data-offender': o.id },
          el('th', { scope: 'row' }, el('button', { type: 'button', class: 'link', onclick: (ev) => openPerson(o.id, ev.currentTarget) }, personName(o)), el('span', { class: 'id' }, o.id)),
          el('td', {}, area(e.councilArea)),
          el('td', {}, `Level ${e.level}`, el('span', { class: 'muted block' }, `since ${date(e.since)}`)),
          el('td', {}, status(e.complianceStatus)),
          el('td', {}, date(e.nextReviewDue), e.reviewOverdue ? el('span', { class: 'badge status-overdue' }, 'Overdue') : null),
          el('td', {}, String(e.openActions), e.overdueActions ? el('span', { class: 'badge status-overdue' }, `${e.overdueActions} overdue`) : null),
        ),
      );
    }
    if (!entries.length) body.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'Nobody matches these filters.')));
    reportErrors(errors, 'Level 2 and 3 list');
    return list;
  }

  // ---- Person and meeting details -------------------------------------------------------------

  function openDetail(title, from) {
    state.openedFrom = from || null;
    $('detail-section').hidden = false;
    $('detail-heading').textContent = title;
    clear($('detail')).append(el('p', { class: 'muted' }, 'Loading…'));
    $('detail-heading').focus();
  }

  function closeDetail() {
    $('detail-section').hidden = true;
    clear($('detail'));
    if (state.openedFrom && document.body.contains(state.openedFrom)) state.openedFrom.focus();
    state.openedFrom = null;
  }

  const dl = (pairs) => el('dl', { class: 'facts' }, pairs.filter(Boolean).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));

  function caseItem(c) {
    return el(
      'li',
      {},
      el('strong', {}, area(c.authority)),
      ` ${c.status ? c.status.toLowerCase().replace('_', ' ') : ''} case ${c.id || ''}`,
      dl([
        ['Risk of serious harm', c.riskLevel || '—'],
        ['Compliance (this council)', c.compliance ? status(c.compliance.status) : status(null)],
        c.compliance && c.compliance.nextContactDue ? ['Next contact due', date(c.compliance.nextContactDue)] : null,
        ['Plan review date', date(c.planReviewDate)],
        c.nextCaseReviewDue !== undefined ? ['Next case review', [date(c.nextCaseReviewDue), c.reviewOverdue ? el('span', { class: 'badge status-overdue' }, 'Overdue') : '']] : null,
      ]),
    );
  }

  function actionItem(a) {
    return el('li', {}, `${a.description} — ${a.ownerName ? `${a.ownerName}, ` : ''}${AGENCY[a.ownerAgency] || a.ownerAgency}, due ${date(a.dueOn)}`, a.overdue ? el('span', { class: 'badge status-overdue' }, 'Overdue') : null);
  }

  async function openPerson(id, from) {
    openDetail('Person', from);
    const { data, errors } = await gql(PERSON_QUERY, { id });
    const o = data && data.offender;
    const box = clear($('detail'));
    if (!o) {
      box.append(el('p', {}, 'You may not see this person, or they are not on the register.'));
      return reportErrors(errors, 'Person');
    }
    $('detail-heading').textContent = `${o.firstName} ${o.lastName}`;
    const m = o.mappaManagement;
    box.append(
      el('h3', {}, 'Police register'),
      dl([
        ['Register id', o.id],
        ['Date of birth', date(o.dateOfBirth)],
        ['Council area', area(o.councilArea)],
        ['MAPPA category', String(o.mappaCategory)],
        ['Level on the register', `Level ${o.mappaLevel}`],
        ['Police risk assessment', o.policeRiskLevel],
        o.registration ? ['Registered', `${date(o.registration.registeredOn)}; last notified ${date(o.registration.lastNotifiedOn)}; ${o.registration.indefinite ? 'indefinite' : `until ${date(o.registration.notificationPeriodEnds)}`}`] : null,
        o.custody ? ['In custody', `${o.custody.establishment} since ${date(o.custody.fromOn)}`] : null,
        o.wantedOrMissing ? ['Status', el('span', { class: 'badge status-breach' }, o.wantedOrMissing.toLowerCase())] : null,
      ]),
      el('h3', {}, 'MAPPA management'),
      m
        ? dl([
            ['Level', `Level ${m.level} since ${date(m.since)} (${area(m.council)})`],
            ['Last meeting', date(m.lastMeetingOn)],
            ['Next review due', [date(m.nextReviewDue), m.reviewOverdue ? el('span', { class: 'badge status-overdue' }, 'Overdue') : '']],
            ['Next meeting in the calendar', date(m.nextMeetingOn)],
          ])
        : el('p', { class: 'muted' }, 'Not managed at Level 2 or 3 by the MAPPA unit.'),
      el('h3', {}, 'Area-wide contact compliance'),
      o.areaCompliance
        ? el('div', {}, status(o.areaCompliance.status), o.areaCompliance.nextContactDue ? ` Next contact due ${date(o.areaCompliance.nextContactDue)}.` : '', el('ul', {}, o.areaCompliance.reasons.map((r) => el('li', {}, r))), el('p', { class: 'muted' }, `Standard ${o.areaCompliance.standardVersion}; every agency's contacts counted.`))
        : el('p', { class: 'muted' }, 'No council case: nothing to measure.'),
      el('h3', {}, "Councils' cases"),
      o.cases && o.cases.length ? el('ul', { class: 'cases' }, o.cases.map(caseItem)) : el('p', { class: 'muted' }, 'No council case.'),
      el('h3', {}, 'Open actions'),
      o.openActions && o.openActions.length ? el('ul', {}, o.openActions.map(actionItem)) : el('p', { class: 'muted' }, 'None.'),
      el('h3', {}, 'Referrals'),
      o.mappaReferrals && o.mappaReferrals.length
        ? el(
            'ul',
            {},
            o.mappaReferrals.map((r) =>
              el(
                'li',
                {},
                `${date(r.referredOn)}: ${AGENCY[r.referringAgency] || r.referringAgency} proposed Level ${r.proposedLevel} — ${r.status.toLowerCase()}`,
                r.firstMeetingDue ? `; first meeting due ${date(r.firstMeetingDue)}, held ${date(r.firstMeetingOn)}` : '',
                r.firstMeetingLate ? el('span', { class: 'badge status-overdue' }, 'Late') : null,
              ),
            ),
          )
        : el('p', { class: 'muted' }, 'None.'),
      el('h3', {}, 'Meetings'),
      o.mappaMeetings && o.mappaMeetings.length
        ? el(
            'ul',
            {},
            o.mappaMeetings.slice(0, 6).map((x) => el('li', {}, el('button', { type: 'button', class: 'link', onclick: (ev) => openMeeting(x.id, ev.currentTarget) }, `${date(x.heldOn || x.scheduledOn)}: Level ${x.level} ${x.kind.toLowerCase()} (${x.status.toLowerCase()})`))),
            o.mappaMeetings.length > 6 ? el('li', { class: 'muted' }, `and ${o.mappaMeetings.length - 6} earlier meetings`) : null,
          )
        : el('p', { class: 'muted' }, 'None.'),
    );
    reportErrors(errors, 'Person');
  }

  async function openMeeting(id, from) {
    openDetail('MAPPA meeting', from);
    const full = state.user.roles.includes('MAPPA_COORDINATOR') || state.user.roles.includes('INSPECTOR');
    const { data, errors } = await gql(meetingQuery(full), { id });
    const m = data && data.mappaMeeting;
    const box = clear($('detail'));
    if (!m) {
      box.append(el('p', {}, 'You may not see this meeting.'));
      return reportErrors(errors, 'Meeting');
    }
    $('detail-heading').textContent = `Level ${m.level} ${m.kind.toLowerCase()} meeting, ${date(m.heldOn || m.scheduledOn)}`;
    box.append(
      dl([
        ['Status', m.status.toLowerCase()],
        ['Chair', m.chair || '—'],
        ['Next review', date(m.nextReviewOn)],
      ]),
      el('h3', {}, 'People discussed'),
      el(
        'ul',
        { class: 'cases' },
        m.people.map((p) =>
          el(
            'li',
            {},
            p.offender ? el('button', { type: 'button', class: 'link', onclick: (ev) => openPerson(p.offender.id, ev.currentTarget) }, personName(p.offender)) : 'Not visible to you',
            p.offender ? dl([
              ['Council area', area(p.offender.councilArea)],
              ['Area-wide compliance', status(p.offender.areaCompliance && p.offender.areaCompliance.status)],
              ['Cases', (p.offender.cases || []).map((c) => `${area(c.authority)} (${(c.status || '').toLowerCase()}, ${c.riskLevel || '—'}, plan review ${date(c.planReviewDate)})`).join('; ') || 'none'],
              ['Open actions', String((p.offender.openActions || []).length)],
              ['Decisions', p.decisions.map((d) => `${d.kind.toLowerCase().replace('_', ' ')}${d.levelTo ? ` to Level ${d.levelTo}` : ''}`).join('; ') || '—'],
            ]) : null,
          ),
        ),
      ),
      el('h3', {}, 'Attendees'),
      m.attendees.length ? el('ul', {}, m.attendees.map((a) => el('li', {}, `${a.name}, ${a.role} (${AGENCY[a.agency] || a.agency})`))) : el('p', { class: 'muted' }, 'Not held yet.'),
      el('h3', {}, 'Actions'),
      m.actions.length ? el('ul', {}, m.actions.map((a) => el('li', {}, `${a.description} — ${AGENCY[a.ownerAgency] || a.ownerAgency}, due ${date(a.dueOn)}${a.completedOn ? `, done ${date(a.completedOn)}` : ''}`, a.overdue ? el('span', { class: 'badge status-overdue' }, 'Overdue') : null))) : el('p', { class: 'muted' }, 'None.'),
      el('h3', {}, 'Executive summary'),
      m.minutes ? el('p', {}, m.minutes.executiveSummary) : el('p', { class: 'muted' }, 'No minutes yet.'),
      m.minutes && m.minutes.fullMinutes ? el('details', {}, el('summary', {}, 'Full minutes (MAPPA unit only)'), el('p', {}, m.minutes.fullMinutes)) : null,
    );
    reportErrors(errors, 'Meeting');
  }

  // ---- Compliance chart ----------------------------------------------------------------------

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function renderCompliance(report, from, to) {
    const chart = clear($('compliance-chart'));
    const body = clear(document.querySelector('#compliance-table tbody'));
    $('compliance-period').textContent = `${date(from)} to ${date(to)}`;
    if (!report || !report.byCouncil) {
      chart.append(el('p', { class: 'muted' }, 'The compliance report is for the MAPPA unit, police and inspectors.'));
      return;
    }
    $('compliance-period').textContent = `${date(from)} to ${date(to)} · contact standard ${report.standardVersion || ''}`;
    const rows = [...report.byCouncil, ...(report.overall ? [{ ...report.overall, key: 'Tayside' }] : [])];
    const segments = [
      ['compliant', 'Compliant', 'seg-compliant'],
      ['dueSoon', 'Due soon', 'seg-due-soon'],
      ['overdue', 'Overdue', 'seg-overdue'],
      ['breach', 'Breach', 'seg-breach'],
    ];
    const labelWidth = 150;
    const barWidth = 360;
    const rowHeight = 38;
    const height = rows.length * rowHeight + 44;
    const root = svg('svg', { viewBox: `0 0 620 ${height}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc', class: 'bar-chart' });
    root.append(svg('title', { id: 'chart-title' }, 'Contact compliance by council'));
    root.append(svg('desc', { id: 'chart-desc' }, rows.map((r) => `${area(r.key)}: ${Math.round(r.complianceRate * 100)}% compliant or due soon of ${r.total}`).join('. ')));
    rows.forEach((r, i) => {
      const y = i * rowHeight + 8;
      root.append(svg('text', { x: labelWidth - 8, y: y + 17, 'text-anchor': 'end', class: 'chart-label' }, area(r.key)));
      let x = labelWidth;
      for (const [key, label, cls] of segments) {
        const w = r.total ? (r[key] / r.total) * barWidth : 0;
        if (w > 0) root.append(svg('rect', { x, y, width: w, height: 24, class: cls }, svg('title', {}, `${area(r.key)}: ${label} ${r[key]}`)));
        x += w;
      }
      if (!r.total) root.append(svg('rect', { x: labelWidth, y, width: barWidth, height: 24, class: 'seg-empty' }));
      root.append(svg('text', { x: labelWidth + barWidth + 10, y: y + 17, class: 'chart-value' }, `${Math.round(r.complianceRate * 100)}% (${r.total})`));
      body.append(
        el('tr', {}, el('th', { scope: 'row' }, area(r.key)), el('td', {}, r.total), el('td', {}, r.compliant), el('td', {}, r.dueSoon), el('td', {}, r.overdue), el('td', {}, r.breach), el('td', {}, `${Math.round(r.complianceRate * 100)}%`)),
      );
    });
    let lx = labelWidth;
    const ly = rows.length * rowHeight + 20;
    for (const [, label, cls] of segments) {
      root.append(svg('rect', { x: lx, y: ly, width: 14, height: 14, class: cls }));
      root.append(svg('text', { x: lx + 19, y: ly + 12, class: 'chart-legend' }, label));
      lx += 95;
    }
    chart.append(root);
  }

  // ---- Overdue, calendar, improvement ----------------------------------------------------------

  function renderOverdue(list, actions) {
    const reviews = clear($('overdue-reviews'));
    const cases = clear($('overdue-case'));
    const acts = clear($('overdue-actions'));
    const today = state.today;
    const entries = (list && list.entries) || [];
    const personButton = (o) => el('button', { type: 'button', class: 'link', onclick: (ev) => openPerson(o.id, ev.currentTarget) }, personName(o));
    for (const e of entries.filter((x) => x.reviewOverdue)) reviews.append(el('li', {}, personButton(e.offender), ` — Level ${e.level} review was due ${date(e.nextReviewDue)}`));
    for (const e of entries) {
      for (const c of e.offender.cases || []) {
        if (c.status !== 'OPEN') continue;
        if (c.reviewOverdue) cases.append(el('li', {}, personButton(e.offender), ` — ${area(c.authority)} case review was due ${date(c.nextCaseReviewDue)}`));
        if (c.planReviewDate && today && c.planReviewDate < today) cases.append(el('li', {}, personButton(e.offender), ` — ${area(c.authority)} risk management plan review was due ${date(c.planReviewDate)}`));
        if (c.auditOverdue) cases.append(el('li', {}, personButton(e.offender), ` — ${area(c.authority)} quarterly file audit was due ${date(c.nextFileAuditDue)}`));
      }
    }
    for (const a of actions || []) acts.append(el('li', {}, a.offender ? personButton(a.offender) : 'General', ` — ${a.description}; ${AGENCY[a.ownerAgency] || a.ownerAgency}, due ${date(a.dueOn)}`));
    for (const ul of [reviews, cases, acts]) if (!ul.children.length) ul.append(el('li', { class: 'muted' }, 'Nothing overdue.'));
  }

  function renderCalendar(meetings, from, to) {
    const box = clear($('calendar'));
    $('calendar-period').textContent = `${date(from)} to ${date(to)}`;
    if (!meetings) return box.append(el('p', { class: 'muted' }, 'The calendar could not be loaded.'));
    if (!meetings.length) return box.append(el('p', { class: 'muted' }, 'No meetings in this period.'));
    const byMonth = new Map();
    for (const m of meetings) {
      const on = m.heldOn || m.scheduledOn;
      const key = on.slice(0, 7);
      if (!byMonth.has(key)) byMonth.set(key, []);
      byMonth.get(key).push(m);
    }
    for (const [month, items] of byMonth) {
      const [y, mo] = month.split('-').map(Number);
      box.append(
        el('h3', { class: 'month' }, new Date(Date.UTC(y, mo - 1, 1)).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' })),
        el(
          'ul',
          { class: 'calendar' },
          items.map((m) =>
            el(
              'li',
              { class: `meeting ${m.status === 'SCHEDULED' ? 'upcoming' : 'held'}` },
              el('span', { class: 'when' }, date(m.heldOn || m.scheduledOn)),
              el('button', { type: 'button', class: 'link', onclick: (ev) => openMeeting(m.id, ev.currentTarget) }, `Level ${m.level} ${m.kind.toLowerCase()}`),
              el('span', { class: 'muted' }, ` ${m.status === 'SCHEDULED' ? 'scheduled' : 'held'} · ${m.people.length} ${m.people.length === 1 ? 'person' : 'people'}: ${m.people.map((p) => (p.offender ? p.offender.lastName : '…')).join(', ')}`),
            ),
          ),
        ),
      );
    }
  }

  function renderImprovement(actions) {
    const box = clear($('improvement'));
    if (!actions) return box.append(el('p', { class: 'muted' }, 'Not available.'));
    for (const a of actions) {
      const last = a.progress[a.progress.length - 1];
      box.append(
        el(
          'article',
          { class: 'improvement' },
          el('h3', {}, `${a.reference}. ${a.title} `, el('span', { class: `badge improvement-${a.status.toLowerCase()}` }, a.status.replace('_', ' ').toLowerCase())),
          el('p', {}, a.description),
          last ? el('p', { class: 'muted' }, `Latest (${date(last.recordedOn)}): ${last.note}`) : null,
        ),
      );
    }
  }

  // ---- Annual statistics -----------------------------------------------------------------------

  const ANNUAL_COLUMNS = [
    ['area', 'Area'],
    ['population', 'Population'],
    ['rsosAtLiberty', 'RSOs at liberty 31 March'],
    ['rsosPer100k', 'Per 100,000'],
    ['level1', 'Level 1'],
    ['level2', 'Level 2'],
    ['level3', 'Level 3'],
    ['notificationBreaches', 'Notification breaches'],
    ['wanted', 'Wanted'],
    ['missing', 'Missing'],
    ['sopos', 'SOPOs'],
    ['shpos', 'SHPOs'],
    ['civilOrderBreaches', 'Order breaches'],
    ['statutorySupervision', 'Statutory supervision'],
    ['recalls', 'Recalls'],
    ['furtherSeriousOffences', 'Further serious offences'],
  ];

  function reportingYears(today) {
    const year = Number(today.slice(0, 4)) - (today.slice(5) < '04-01' ? 1 : 0);
    const select = clear($('annual-year'));
    for (let y = year; y >= year - 5; y--) select.append(el('option', { value: y }, `${y}-${String((y + 1) % 100).padStart(2, '0')}${y === year ? ' (under way)' : ''}`));
    select.value = String(year - 1);
  }

  async function loadAnnual() {
    const year = Number($('annual-year').value);
    const { data, errors } = await gql(ANNUAL_QUERY, { year });
    const table = data && data.annualReturn && data.annualReturn.sogTable;
    const head = clear(document.querySelector('#annual-table thead tr'));
    const body = clear(document.querySelector('#annual-table tbody'));
    const notes = clear($('annual-notes'));
    if (!table) {
      $('annual-caption').textContent = 'The annual return could not be loaded.';
      return reportErrors(errors, 'Annual statistics');
    }
    $('annual-caption').textContent = `MAPPA annual return ${table.label}: figures as at ${date(table.periodEnd)} and for the year to that date`;
    for (const [, label] of ANNUAL_COLUMNS) head.append(el('th', { scope: 'col' }, label));
    for (const row of table.rows) {
      body.append(
        el(
          'tr',
          { class: row.area === 'Tayside' ? 'total' : null },
          ANNUAL_COLUMNS.map(([key], i) => (i === 0 ? el('th', { scope: 'row' }, row[key]) : el('td', {}, row[key] === null ? '—' : key === 'population' ? row[key].toLocaleString('en-GB') : String(row[key])))),
        ),
      );
    }
    for (const n of table.notes) notes.append(el('li', {}, n));
    reportErrors(errors, 'Annual statistics');
  }

  async function downloadCsv() {
    const year = $('annual-year').value;
    const res = await fetch(`/reports/annual-return.csv?year=${encodeURIComponent(year)}`, {
      headers: { authorization: `Bearer ${state.token}`, 'x-justification': $('justification').value.trim() || 'MAPPA annual return' },
    });
    if (!res.ok) return say('The CSV could not be produced.', 'error');
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const name = (/filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '') || [])[1] || `mappa-annual-return-${year}.csv`;
    const a = el('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    say(`Downloaded ${name}.`);
  }

  // ---- Loading everything ---------------------------------------------------------------------

  async function loadAll() {
    const everyone = await gql(listQuery(), { filter: {} });
    const list = everyone.data && everyone.data.coordinatorList;
    // The server's date: the demo and the tests may run on a fixed one.
    state.today = (list && list.asOf) || new Date().toISOString().slice(0, 10);
    const today = state.today;
    reportingYears(today);
    const filtering = Object.keys(filterValues()).length > 0;
    const [filtered, overview] = await Promise.all([
      filtering ? loadList() : renderList(everyone),
      gql(OVERVIEW_QUERY, { from: addDays(today, -90), to: today, calendarFrom: addDays(today, -30), calendarTo: addDays(today, 90) }),
    ]);
    const o = overview.data || {};
    renderCompliance(o.complianceReport, addDays(today, -90), today);
    renderOverdue(list, o.mappaOpenActions);
    renderCalendar(o.mappaMeetings, addDays(today, -30), addDays(today, 90));
    renderImprovement(o.taysideImprovementActions);
    reportErrors(overview.errors, 'Overview');
    await loadAnnual();
    if (!$('status').classList.contains('error')) say(filtered ? `Loaded. ${$('list-summary').textContent}` : 'Loaded.');
    document.body.setAttribute('data-loaded', 'true');
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', () => signOut());
    $('filters').addEventListener('submit', (ev) => {
      ev.preventDefault();
      say('Filtering…');
      loadList().then(() => say($('list-summary').textContent));
    });
    $('detail-close').addEventListener('click', closeDetail);
    $('detail-section').addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') closeDetail();
    });
    $('annual-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      loadAnnual();
    });
    $('annual-csv').addEventListener('click', downloadCsv);
    offerDemoIdentities();
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved && decodeUser(saved)) start(saved);
  });
})();
