/**
 * Typed shapes of the Jupyter messaging protocol v5.3 as this kernel uses them. Only plain JSON
 * lives here so that both the wire codec and the kernel logic can share it without side effects.
 */

/** Protocol version this kernel speaks. */
export const PROTOCOL_VERSION = '5.3';

/** A JSON value as it travels in message content. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object (message content, metadata, MIME bundles). */
export type JsonObject = { [key: string]: JsonValue };

/** The header of every message. */
export interface IHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  /** Present in 5.4 headers; never required. */
  subshell_id?: string | null;
}

/** One decoded message (identities and binary buffers included). */
export interface IMessage<C extends JsonObject = JsonObject> {
  /** ZeroMQ routing identities (shell/control) or the topic (iopub). */
  identities: Buffer[];
  header: IHeader;
  /** The request this message answers (or `{}`). */
  parent_header: IHeader | Record<string, never>;
  metadata: JsonObject;
  content: C;
  buffers: Buffer[];
}

/** Channels a message can arrive on. */
export type ChannelName = 'shell' | 'control' | 'iopub' | 'stdin' | 'hb';

/** A MIME bundle: MIME type -> data (string or JSON). */
export type MimeBundle = { [mime: string]: JsonValue };

/** Content of `execute_request`. */
export interface IExecuteRequest extends JsonObject {
  code: string;
  silent: boolean;
  store_history: boolean;
  user_expressions: JsonObject;
  allow_stdin: boolean;
  stop_on_error: boolean;
}

/** The three fields every error carries (reply and iopub `error`). */
export interface IErrorContent extends JsonObject {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** Content of `complete_request`. */
export interface ICompleteRequest extends JsonObject {
  code: string;
  cursor_pos: number;
}

/** Content of `inspect_request`. */
export interface IInspectRequest extends JsonObject {
  code: string;
  cursor_pos: number;
  detail_level: number;
}

/** Content of `history_request` (fields depend on `hist_access_type`). */
export interface IHistoryRequest extends JsonObject {
  output: boolean;
  raw: boolean;
  hist_access_type: 'range' | 'tail' | 'search';
  session: number;
  start: number;
  stop: number;
  n: number;
  pattern: string;
  unique: boolean;
}

/** Content of `display_data` / `update_display_data` / `execute_result`. */
export interface IDisplayContent extends JsonObject {
  data: MimeBundle;
  metadata: JsonObject;
  transient: JsonObject;
}
