/**
 * How documents are validated, beyond graphql-js's specified rules and the operation limits
 * (use-operation-limits.ts):
 * - An operation of a type the schema does not define (a mutation or subscription here) is a
 *   validation error (the GraphQL spec's "Operation Type Existence"), so it gets the status every
 *   validation error gets (400 with application/graphql-response+json) instead of graphql-js's
 *   execution-time "Schema is not configured to execute …" with 200. The rule reads the schema's
 *   root types, so a Subscription root added later is simply accepted.
 * - With `hideSuggestions` (production: introspection off), graphql-js leaves its "Did you mean …"
 *   out of every message (field, argument, type and enum value suggestions would spell out the
 *   schema introspection hides).
 * - Messages are bounded (graphql/errors.ts, clientMessage): an unknown 90 KB field name is not
 *   echoed back whole.
 */
import { validate, type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { clientMessage } from '../graphql/errors';

/** graphql-js's default: a document this wrong is not worth more errors. */
const MAX_VALIDATION_ERRORS = 100;

/** Every operation's type must be a root type the schema defines (query, and any it adds). */
export const KnownOperationTypesRule: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  OperationDefinition(node) {
    if (context.getSchema().getRootType(node.operation)) return;
    const type = `${node.operation[0]!.toUpperCase()}${node.operation.slice(1)}`;
    context.reportError(
      createGraphQLError(`This schema has no ${type} type: the gateway does not serve ${node.operation} operations.`, { nodes: node }),
    );
  },
});

export interface ValidationRulesOptions {
  /** Leave graphql-js's "Did you mean …" out of validation errors (introspection off). */
  hideSuggestions: boolean;
}

export function useValidationRules({ hideSuggestions }: ValidationRulesOptions): Plugin {
  return {
    onValidate({ addValidationRule, setValidationFn }) {
      addValidationRule(KnownOperationTypesRule);
      // yoga calls validate(schema, document) and the rules plugins add; the options are ours.
      setValidationFn((schema, document, rules) => {
        const errors = validate(schema, document, rules, { hideSuggestions, maxErrors: MAX_VALIDATION_ERRORS });
        for (const error of errors) (error as { message: string }).message = clientMessage(error.message);
        return errors;
      });
    },
  };
}
