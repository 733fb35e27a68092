/**
 * The commands `ejctl --json` is compared on with ejabberd's own HTTP API, in order (each sees
 * the state the ones before left). `api` is the HTTP API's argument object; the command line
 * takes its values in order (JSON text for a list or an object). `undo` (run through plain ejctl)
 * puts the node back before each further run of a case that changes it; `http` is the status
 * the HTTP API must answer, so a case cannot pass by comparing two unexpected errors.
 */
export interface OracleCase {
  title: string;
  command: string;
  api: Record<string, unknown>;
  /** The command line's arguments when they are not the values of `api`. */
  cli?: string[];
  version?: number;
  http: number;
  before?: string[][];
  undo?: string[][];
  /** The answer must hold something (a list with items, an object with members). */
  nonEmpty?: boolean;
}

const room = { name: 'room1', service: 'conference.localhost' };
const alice = { user: 'alice', host: 'localhost' };

export const ORACLE_CASES: OracleCase[] = [
  // accounts
  // alice is registered (password pw1) and logged in by the test before these run
  {
    title: 'register',
    command: 'register',
    api: { user: 'dave', host: 'localhost', password: 'pw' },
    http: 200,
    undo: [['unregister', 'dave', 'localhost']],
  },
  { title: 'register, already registered', command: 'register', api: { ...alice, password: 'pw1' }, http: 409 },
  { title: 'registered_users', command: 'registered_users', api: { host: 'localhost' }, http: 200, nonEmpty: true },
  { title: 'check_account', command: 'check_account', api: alice, http: 200 },
  { title: 'check_account, unknown user', command: 'check_account', api: { user: 'nobody', host: 'localhost' }, http: 200 },
  { title: 'check_password', command: 'check_password', api: { ...alice, password: 'pw1' }, http: 200 },
  { title: 'check_password, wrong', command: 'check_password', api: { ...alice, password: 'nope' }, http: 200 },
  { title: 'change_password', command: 'change_password', api: { ...alice, newpass: 'pw1' }, http: 200 },
  {
    title: 'change_password, unknown user',
    command: 'change_password',
    api: { user: 'nobody', host: 'localhost', newpass: 'x' },
    http: 404,
  },
  {
    title: 'unregister',
    command: 'unregister',
    api: { user: 'carol', host: 'localhost' },
    http: 200,
    before: [['register', 'carol', 'localhost', 'pw']],
    undo: [['register', 'carol', 'localhost', 'pw']],
  },
  { title: 'unregister, unknown user', command: 'unregister', api: { user: 'nobody', host: 'localhost' }, http: 200 },
  // rosters
  {
    title: 'add_rosteritem',
    command: 'add_rosteritem',
    api: { localuser: 'alice', localhost: 'localhost', user: 'bob', host: 'localhost', nick: 'Bob', group: 'Friends', subs: 'both' },
    http: 200,
  },
  { title: 'get_roster', command: 'get_roster', api: alice, http: 200, nonEmpty: true },
  { title: 'get_roster, empty', command: 'get_roster', api: { user: 'nobody', host: 'localhost' }, http: 200 },
  // stats
  { title: 'stats', command: 'stats', api: { name: 'registeredusers' }, http: 200 },
  { title: 'stats, an unknown statistic (the command crashes)', command: 'stats', api: { name: 'nosuch' }, http: 500 },
  { title: 'stats_host', command: 'stats_host', api: { name: 'registeredusers', host: 'localhost' }, http: 200 },
  { title: 'connected_users_number', command: 'connected_users_number', api: {}, http: 200 },
  { title: 'incoming_s2s_number', command: 'incoming_s2s_number', api: {}, http: 200 },
  // sessions (alice is logged in)
  { title: 'connected_users', command: 'connected_users', api: {}, http: 200, nonEmpty: true },
  { title: 'connected_users_info', command: 'connected_users_info', api: {}, http: 200, nonEmpty: true },
  { title: 'user_sessions_info', command: 'user_sessions_info', api: alice, http: 200, nonEmpty: true },
  { title: 'user_sessions_info, unknown user', command: 'user_sessions_info', api: { user: 'nobody', host: 'localhost' }, http: 200 },
  // vcard
  { title: 'set_vcard', command: 'set_vcard', api: { ...alice, name: 'FN', content: 'Alice Ä' }, http: 200 },
  { title: 'get_vcard', command: 'get_vcard', api: { ...alice, name: 'FN' }, http: 200 },
  { title: 'get_vcard, no vCard', command: 'get_vcard', api: { user: 'nobody', host: 'localhost', name: 'FN' }, http: 400 },
  // muc
  {
    title: 'create_room',
    command: 'create_room',
    api: { ...room, host: 'localhost' },
    http: 200,
    undo: [['destroy_room', 'room1', 'conference.localhost']],
  },
  { title: 'create_room, existing', command: 'create_room', api: { ...room, host: 'localhost' }, http: 400 },
  {
    title: 'create_room_with_opts (a JSON argument)',
    command: 'create_room_with_opts',
    api: {
      name: 'room2',
      service: 'conference.localhost',
      host: 'localhost',
      options: { members_only: 'true', title: 'Two', persistent: 'true' },
    },
    http: 200,
    undo: [['destroy_room', 'room2', 'conference.localhost']],
  },
  { title: 'muc_online_rooms', command: 'muc_online_rooms', api: { service: 'global' }, http: 200, nonEmpty: true },
  {
    title: 'get_room_options',
    command: 'get_room_options',
    api: { name: 'room2', service: 'conference.localhost' },
    http: 200,
    nonEmpty: true,
  },
  // room2 is persistent: an empty room1 may be stopped by ejabberd between two runs
  {
    title: 'get_room_occupants_number',
    command: 'get_room_occupants_number',
    api: { name: 'room2', service: 'conference.localhost' },
    http: 200,
  },
  { title: 'get_room_occupants_number, no room', command: 'get_room_occupants_number', api: { ...room, name: 'nosuch' }, http: 400 },
  // cluster and node info
  { title: 'list_cluster', command: 'list_cluster', api: {}, http: 200, nonEmpty: true },
  { title: 'status', command: 'status', api: {}, http: 200 },
  { title: 'get_loglevel', command: 'get_loglevel', api: {}, http: 200 },
  { title: 'registered_vhosts', command: 'registered_vhosts', api: {}, http: 200 },
  // an unknown command (a name the node knows as an atom; see docs/json.md for one it does not)
  { title: 'unknown command', command: 'no_such_command', api: {}, http: 400, before: [['no_such_command']] },
  // API versions (no `version`: ejabberdctl's default and the API's `/api`). 23.01 defines every
  // command at version 0, so every version uses them; 24.12 defines commands up to version 3, a
  // result that is one value comes bare from version 1 on, and add_rosteritem takes a list of
  // groups from version 1 on (test/release/debian13Json.test.ts reads the names from the node).
  { title: 'stats, API version 0', command: 'stats', api: { name: 'registeredusers' }, version: 0, http: 200 },
  { title: 'stats, API version 1', command: 'stats', api: { name: 'registeredusers' }, version: 1, http: 200 },
  { title: 'stats, API version 3', command: 'stats', api: { name: 'registeredusers' }, version: 3, http: 200 },
  { title: 'get_loglevel, API version 0', command: 'get_loglevel', api: {}, version: 0, http: 200 },
  { title: 'get_loglevel, API version 2', command: 'get_loglevel', api: {}, version: 2, http: 200 },
  { title: 'registered_users, API version 2', command: 'registered_users', api: { host: 'localhost' }, version: 2, http: 200 },
  { title: 'get_roster, API version 1', command: 'get_roster', api: alice, version: 1, http: 200, nonEmpty: true },
  { title: 'status, API version 0', command: 'status', api: {}, version: 0, http: 200 },
  { title: 'check_account, API version 2', command: 'check_account', api: alice, version: 2, http: 200 },
  {
    title: 'get_room_occupants_number, API version 1',
    command: 'get_room_occupants_number',
    api: { name: 'room2', service: 'conference.localhost' },
    version: 1,
    http: 200,
  },
  ...[0, 1].map((version) => ({
    title: `add_rosteritem, API version ${version}`,
    command: 'add_rosteritem',
    api: { localuser: 'alice', localhost: 'localhost', user: 'erin', host: 'localhost', nick: 'Erin', group: 'Work', subs: 'to' },
    version,
    http: 200,
    undo: [['delete_rosteritem', 'alice', 'localhost', 'erin', 'localhost']],
  })),
];
