/**
 * Stack outputs: what `run-scenario --target eks` and the docs read with
 * `aws cloudformation describe-stacks --stack-name <cluster name>`. Their keys are part of the kit's
 * contract (docs/deploy-eks.md lists them), so they are set at the stack's top level, where a key is
 * exactly the id given here, never a path-derived one.
 */
import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export function output(scope: IConstruct, key: string, value: string, description: string): CfnOutput {
  return new CfnOutput(Stack.of(scope), key, { value, description });
}

/** memory-leak -> MemoryLeak (output keys are alphanumeric). */
export function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_match, _dash, letter: string) => letter.toUpperCase());
}
