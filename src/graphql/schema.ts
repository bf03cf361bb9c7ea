/** Assembles the schema: each type file registers itself on the builder when imported. */
import { builder } from './builder';
import './date-time';
import './group-call-task-status';
import './group-call-task-type';
import './recall-type';
import './recall-flow-status';
import './group-call-task';
import './recall-flow';
import './group-call-task-connection';
import './recall-flow-connection';
import './group-call-task-filter';
import './recall-flow-filter';
import './query';

export const schema = builder.toSchema({ sortSchema: false });
