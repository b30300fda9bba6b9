// @backlex/permissions/filter: the filter DSL alone (parse, compile to SQL, match in JS),
// usable without the plugin, e.g. by the query language of collections and by realtime.
export {
  type ConditionNode,
  FIELD_OPERATORS,
  type FieldOperator,
  type FilterNode,
  type FilterRelation,
  LOGICAL_OPERATORS,
  type LogicalNode,
  MATCH_ALL,
  OPERATOR_GROUPS,
  type Operand,
  RELATION_OPERATORS,
  type RelationNode,
  type RelationResolver,
  variablesOf,
} from './ast.js'
export {
  type CanonicalValue,
  FIELD_TYPES,
  type FieldDefinition,
  type FieldType,
  type FilterSchema,
} from './field-types.js'
export {
  DATE_FUNCTIONS,
  type DateFunction,
  dateFunctionRefusal,
  dateFunctionSql,
  dateFunctionValue,
  FIELD_FUNCTIONS,
  type FieldFunction,
  type FunctionCall,
  functionKey,
  isDateFunction,
  parseFunctionCall,
} from './functions.js'
export { compileMatcher, type MatcherOptions, type Row, type RowPredicate } from './match.js'
export { FIELD_NAME, type ParseFilterOptions, parseFilter } from './parse.js'
export { compileFilter, matchFilter, type PreparedFilter, prepareFilter } from './prepare.js'
export { compareText, foldAscii, foldCase, foldReplacements } from './text.js'
export {
  type FilterVariables,
  type NowOffset,
  resolveVariables,
  shiftTime,
  type TimeUnit,
  VARIABLE_NAMES,
  type VariableName,
  type VariableReference,
} from './variables.js'
