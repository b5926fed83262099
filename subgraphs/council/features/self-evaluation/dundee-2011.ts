/**
 * Dundee City Council's 2011 self-evaluation of its work with high risk of harm offenders, transcribed
 * from the public committee report "High Risk Offenders Self-Evaluation", Report No 354-2011 to the
 * Social Work and Health Committee, 22 August 2011 (shared/seed/000_8da26b851c25e540.txt).
 *
 * Transcribed as published: the five category grades (para 4.3.1), the overall grade and capacity
 * for improvement (4.3.3, 4.4), the 9 local actions (4.4.1–4.4.9) and the 3 Tayside actions (4.4.10)
 * with the progress the report gives. The report publishes no grades below category level, so no
 * quality indicators are loaded. It names no owner per action: owners are role titles chosen by
 * this project; no officer's name is loaded. Where the report gives no date, an action is due at
 * the 12-month progress report the Committee asked for (recommendation 2.2).
 */

/** Date of the report (signed 11 August 2011); its progress notes are dated then. */
export const REPORT_DATE = '2011-08-11';
/** Recommendation 2.2: a progress report to Committee in 12 months from 22 August 2011. */
const PROGRESS_REPORT_DUE = '2012-08-22';

export const DUNDEE_2011 = {
  id: 'SE-DC-2011',
  title: 'High Risk Offenders Self-Evaluation (Report 354-2011, Social Work and Health Committee, 22 August 2011)',
  periodFrom: '2010-11-01',
  periodTo: '2011-04-30',
  reportedOn: REPORT_DATE,
  overallGrade: 4,
  capacityForImprovementGrade: 4,
  summary:
    'An initial case file audit of 20 case files informed the final outcomes and showed 1 as adequate, 18 as good and 1 as very good. ' +
    'Overall, practice was rated as good and particular strengths included strong multi-disciplinary working; resources appropriately targeted and prioritised; ' +
    'robust risk assessment and risk management; high compliance levels and low re-offending; staff support; and effective leadership throughout the management structure.',
  categories: [
    { category: 'OUTCOMES', grade: 4, evidence: null },
    {
      category: 'IMPACT',
      grade: 3,
      evidence:
        'Rated as adequate because some systems are in place to obtain feedback from key stakeholders, such as exit questionnaires to some offenders, comments from co-located partners, ' +
        'the presentation to Members, presentations to Local Community Planning Partnerships and the MAPPA Annual Report. Continued work will ensure greater structure and frequency.',
    },
    { category: 'KEY_PROCESSES', grade: 4, evidence: null },
    { category: 'STAFF', grade: 5, evidence: null },
    { category: 'LEADERSHIP', grade: 4, evidence: null },
  ],
  actions: [
    {
      reference: '4.4.1',
      scope: 'LOCAL',
      title: 'Review and improve formats used for risk management plans and case reviews',
      owner: 'Service Manager (Criminal Justice)',
      dueOn: '2011-11-30',
      status: 'IN_PROGRESS',
      note: 'Revised formats will be introduced in August 2011 and will then be replaced by a nationally accredited approach in November 2011.',
    },
    {
      reference: '4.4.2',
      scope: 'LOCAL',
      title: 'Implement frameworks for client feedback',
      owner: 'Service Manager (Criminal Justice)',
      dueOn: PROGRESS_REPORT_DUE,
      status: 'IN_PROGRESS',
      note: 'A framework for client feedback has been developed and information will be collated from September 2011. A framework for agencies is being developed.',
    },
    {
      reference: '4.4.3',
      scope: 'LOCAL',
      title: 'Review and enhance the internal file audit process',
      owner: 'Service Manager (Criminal Justice)',
      dueOn: PROGRESS_REPORT_DUE,
      status: 'COMPLETE',
      note: 'A new national tool used by SCSWIS has been adopted and all high risk of harm cases are audited every 3 months by a Service Manager and Team Manager.',
    },
    {
      reference: '4.4.4',
      scope: 'LOCAL',
      title: 'Implement an integrated Risk Assessment Protocol across all Social Work Department service areas',
      owner: 'Director of Social Work',
      dueOn: '2011-08-31',
      status: 'IN_PROGRESS',
      note: 'This is due to be completed in August 2011 and aims to promote common principles, concepts and processes.',
    },
    {
      reference: '4.4.5',
      scope: 'LOCAL',
      title: 'Increase training in models for risk assessment and risk management for all staff',
      owner: 'Team Manager (Public Protection Team)',
      dueOn: '2011-12-31',
      status: 'IN_PROGRESS',
      note: 'Staff use accredited risk assessment tools for sex offenders and will receive training on tools for use with violent offenders during 2011.',
    },
    {
      reference: '4.4.6',
      scope: 'LOCAL',
      title: 'Ensure intensity of service provision for high risk offenders is sustained',
      owner: 'Team Manager (Public Protection Team)',
      dueOn: PROGRESS_REPORT_DUE,
      status: 'COMPLETE',
      note: 'Workload monitoring and oversight is carried out routinely in the Public Protection Team through monthly team meetings and staff supervision.',
    },
    {
      reference: '4.4.7',
      scope: 'LOCAL',
      title: 'Introduce case chronologies',
      owner: 'Team Manager (Public Protection Team)',
      dueOn: '2011-12-31',
      status: 'IN_PROGRESS',
      note: 'A 6 month pilot of a case chronology document for high/very high risk of harm cases commenced in June 2011 and will be reviewed in December 2011.',
    },
    {
      reference: '4.4.8',
      scope: 'LOCAL',
      title: 'Obtain staff feedback on their views of the support they receive',
      owner: 'Service Manager (Criminal Justice)',
      dueOn: '2011-11-30',
      status: 'NOT_STARTED',
      note: 'A survey will include questions about perceptions of the availability and quality of support and will be completed in November 2011.',
    },
    {
      reference: '4.4.9',
      scope: 'LOCAL',
      title: 'Ensure new Child and Adult Protection Procedures are incorporated into the Staff Induction Programme',
      owner: 'Service Manager (Criminal Justice)',
      dueOn: '2011-08-31',
      status: 'NOT_STARTED',
      note: 'This will be introduced from August 2011.',
    },
    {
      reference: '4.4.10a',
      scope: 'TAYSIDE',
      title: 'Agreed area wide standards on appropriate levels of contact with high risk of harm offenders',
      owner: 'MAPPA Strategic Oversight Group',
      dueOn: PROGRESS_REPORT_DUE,
      status: 'NOT_STARTED',
      note: 'A multi-agency plan will be approved at the next MAPPA Strategic Oversight Group in August 2011.',
    },
    {
      reference: '4.4.10b',
      scope: 'TAYSIDE',
      title: 'A framework for feedback from partner agencies on Social Work services with high risk of harm offenders',
      owner: 'MAPPA Strategic Oversight Group',
      dueOn: PROGRESS_REPORT_DUE,
      status: 'NOT_STARTED',
      note: 'A multi-agency plan will be approved at the next MAPPA Strategic Oversight Group in August 2011.',
    },
    {
      reference: '4.4.10c',
      scope: 'TAYSIDE',
      title: 'Enhancing public information on the risk assessment and risk management of high risk of harm offenders',
      owner: 'MAPPA Strategic Oversight Group',
      dueOn: PROGRESS_REPORT_DUE,
      status: 'NOT_STARTED',
      note: 'A multi-agency plan will be approved at the next MAPPA Strategic Oversight Group in August 2011.',
    },
  ],
} as const;
